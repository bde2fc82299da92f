/**
 * The tag that carries why a Lambda function runs outside the VPC: the node-function construct
 * writes it, the policy rule `lambda-vpc-and-tracing` accepts no function outside the VPC without it.
 * Its own module so the policy check loads no construct code.
 */
export const OUTSIDE_VPC_TAG = "outside-vpc";
