export { analyzeStack, readPlanDir, type StackInput } from "./analyze";
export { runCli, USAGE } from "./cli";
export {
  COMMENT_LIMIT,
  GITHUB_COMMENT_MAX,
  GITHUB_SUMMARY_MAX,
  SUMMARY_LIMIT,
  fitToLimit,
  markerFor,
  measure,
  render,
  renderComment,
  toDiff,
  type PlanFit,
  type PlanSize,
  type RenderOptions,
} from "./render";
export { collectSensitiveValues, isSecretName, scrubSecretAssignments, scrubSensitive, SENSITIVE } from "./scrub";
export { classifyActions, PlanFormatError, summarizePlan } from "./summarize";
export type * from "./types";
