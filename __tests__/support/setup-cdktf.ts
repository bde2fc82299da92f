import { Testing } from "cdktf";
// The matchers' TypeScript declarations (toHaveResourceWithProperties, ...).
import "cdktf/lib/testing/adapters/jest";

// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...).
Testing.setupJest();
