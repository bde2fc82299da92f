/**
 * Availability zones per region (the ones this project may deploy to). Kept here, not looked up,
 * so that synth works offline and a config asking for more AZs than exist fails before any
 * Terraform is written.
 */
export const REGION_AZ_COUNTS: Readonly<Record<string, number>> = {
  "us-east-1": 6,
  "us-east-2": 3,
  "us-west-1": 2,
  "us-west-2": 4,
  "ca-central-1": 3,
  "eu-west-1": 3,
  "eu-west-2": 3,
  "eu-west-3": 3,
  "eu-central-1": 3,
  "eu-north-1": 3,
  "eu-south-1": 3,
  "ap-south-1": 3,
  "ap-southeast-1": 3,
  "ap-southeast-2": 3,
  "ap-northeast-1": 3,
  "ap-northeast-2": 4,
  "sa-east-1": 3,
};

/** Values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
