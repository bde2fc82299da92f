import { buildApp } from "./stacks/app";

/** The cdktf app (`npx cdktf synth`): every environment's stacks, or those in CDKTF_ENVIRONMENTS. */
buildApp().synth();
