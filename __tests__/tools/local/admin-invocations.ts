import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { AdminEvent } from "../../../functions/handlers/admin";

/** The admin function answering `value`, as Lambda's Invoke returns it. */
export const adminPayload = (value: unknown) =>
  ({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(value)) }) as unknown as InvokeCommandOutput;

/** The admin function failing with an unhandled error. */
export const adminFunctionError = (errorMessage: string, errorType = "Error") =>
  ({
    StatusCode: 200,
    FunctionError: "Unhandled",
    Payload: new TextEncoder().encode(JSON.stringify({ errorType, errorMessage })),
  }) as unknown as InvokeCommandOutput;

/** The events the store command sent to the admin function, in order. */
export const sentAdminEvents = (lambdaMock: AwsClientStub<LambdaClient>): AdminEvent[] =>
  lambdaMock
    .commandCalls(InvokeCommand)
    .map((c) => JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)) as AdminEvent);
