import { App } from "cdktf";

/**
 * The cdktf app. The stacks of each environment (network, data, api, observability for dev,
 * staging and prod) are added by the infrastructure work (issue #3); until then synth writes
 * an empty manifest.
 */
const app = new App();
app.synth();
