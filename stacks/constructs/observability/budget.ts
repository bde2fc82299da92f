import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { BudgetConfig } from "../../config";

export interface CostBudgetProps {
  prefix: string;
  settings: BudgetConfig;
  /** The environment's `cost-center` tag value (the filter when `scope` is `cost-center-tag`). */
  costCenter: string;
  /** The warning alarm topic, and its policy (AWS Budgets checks it may publish when the budget is saved). */
  topicArn: string;
  topicPolicy: ITerraformDependable;
}

/** The AWS Budgets filter of a user-defined cost allocation tag: `user:<key>$<value>`. */
export const costAllocationTagFilter = (key: string, value: string) => `user:${key}$${value}`;

/**
 * The environment's monthly COST budget (docs/costs.md): one notification per configured
 * percentage of the limit, on the FORECASTED spend (a warning while the month can still be
 * turned around, not after the money is spent), to the warning alarm topic. AWS Budgets refreshes
 * its figures about three times a day and forecasts only once an account has some history (about
 * five weeks), so a new account's forecast notifications start late.
 */
export class CostBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const { prefix, settings } = props;
    this.budget = new BudgetsBudget(this, "budget", {
      name: `${prefix}-monthly`,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: settings.monthlyLimitUsd.toFixed(2),
      limitUnit: "USD",
      costFilter:
        settings.scope === "cost-center-tag"
          ? [{ name: "TagKeyValue", values: [costAllocationTagFilter("cost-center", props.costCenter)] }]
          : undefined,
      notification: settings.forecastAlertPercents.map((threshold) => ({
        notificationType: "FORECASTED",
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [props.topicArn],
      })),
      dependsOn: [props.topicPolicy],
    });
  }
}
