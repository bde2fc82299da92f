import { App } from "cdktf";
import { ApiStack } from "./api-stack";
import { BootstrapStack } from "./bootstrap-stack";
import { loadEnvironments, selectedEnvironments, type EnvironmentName } from "./config";
import { DataStack } from "./data-stack";
import { NetworkStack } from "./network-stack";
import { ObservabilityStack } from "./observability-stack";
import { WebStack } from "./web-stack";

/**
 * Per environment: `bootstrap-<env>` (the CI roles, applied once by an admin; nothing depends on
 * it), then the deployed stacks in dependency order network -> data -> api -> web and
 * api -> observability (web, the dashboard's hosting, and observability need only api's outputs).
 * A broken config throws here, before any Terraform is written.
 */
export function buildApp(app: App = new App(), environments: readonly EnvironmentName[] = selectedEnvironments()): App {
  const configs = loadEnvironments();
  for (const name of environments) {
    const config = configs[name];
    new BootstrapStack(app, config);
    const network = new NetworkStack(app, config);
    const data = new DataStack(app, config, network.outputs);
    const api = new ApiStack(app, config, network.outputs, data.outputs);
    new WebStack(app, config, api.outputs);
    new ObservabilityStack(app, config, network.outputs, data.outputs, api.outputs);
  }
  return app;
}
