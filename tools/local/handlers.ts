import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { FunctionName } from "../../shared/routes";
import { handler as health } from "../../functions/handlers/health";
import { handler as ingest } from "../../functions/handlers/ingest";
import { handler as reports } from "../../functions/handlers/reports";

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Each Lambda function's handler by its name in the route table. */
export const functionHandlers: Record<FunctionName, ProxyHandler> = { ingest, reports, health };
