export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

// The config's shape is declared once, by its zod schema; these are its output types.
export type {
  AlarmConfig,
  ApiConfig,
  BackupReplicationConfig,
  BudgetConfig,
  CiConfig,
  DashboardConfig,
  DatabaseConfig,
  EnvironmentConfig,
  FunctionConfig,
  NetworkConfig,
  PeopleConfig,
  ReleasesConfig,
  StateConfig,
  StopScheduleConfig,
} from "./schema";
