/**
 * The usage identifier of every signed-in person (docs/sign-in.md): one API key that the Lambda
 * authorizer hands to API Gateway for a verified ID token, on a usage plan of its own, so people's
 * traffic is throttled, and counted, apart from the machines' keys. No store owns this key (it is
 * in no `api_keys` row), and the authorizer refuses it when it arrives as `x-api-key`.
 */
import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { Construct } from "constructs";
import { peopleApiKeyName, peopleUsagePlanName } from "../../../shared/physical-names";
import type { PeopleConfig } from "../../config";

export interface PeopleKeyProps {
  prefix: string;
  people: Pick<PeopleConfig, "requestsPerMinute" | "burstLimit" | "requestsPerDay">;
}

/** The key first (the authorizer's environment holds its value), its usage plan once the stage exists. */
export class PeopleKey extends Construct {
  readonly key: ApiGatewayApiKey;
  private readonly props: PeopleKeyProps;

  constructor(scope: Construct, id: string, props: PeopleKeyProps) {
    super(scope, id);
    this.props = props;
    // API Gateway generates the value; Terraform keeps it in state and hands it to the authorizer.
    this.key = new ApiGatewayApiKey(this, "key", {
      name: peopleApiKeyName(props.prefix),
      description: "Signed-in people (the dashboard): the authorizer's usage identifier, owned by no store",
      enabled: true,
    });
  }

  /** The people key's own usage plan on the API's stage. */
  addUsagePlan(restApiId: string, stageName: string): ApiGatewayUsagePlan {
    const { people, prefix } = this.props;
    const usagePlan = new ApiGatewayUsagePlan(this, "usage-plan", {
      name: peopleUsagePlanName(prefix),
      description:
        `Every signed-in person together: ${people.requestsPerMinute} requests per minute, ` +
        `${people.requestsPerDay} a day`,
      apiStages: [{ apiId: restApiId, stage: stageName }],
      // Usage plans throttle per second.
      throttleSettings: { rateLimit: people.requestsPerMinute / 60, burstLimit: people.burstLimit },
      quotaSettings: { limit: people.requestsPerDay, period: "DAY" },
    });
    new ApiGatewayUsagePlanKey(this, "usage-plan-key", {
      keyId: this.key.id,
      keyType: "API_KEY",
      usagePlanId: usagePlan.id,
    });
    return usagePlan;
  }
}
