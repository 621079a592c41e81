import { Signer } from '@aws-sdk/rds-signer';
import { appRole } from './roles.js';

/** Returns the password of one new connection (for RDS IAM: a token valid for 15 minutes). */
export type AuthTokenSigner = () => Promise<string>;

export interface RdsEndpoint {
  host: string;
  port: number;
  region: string;
}

/**
 * RDS IAM authentication as tbyte_app: a token for each new connection, signed with the pod's
 * workload identity (IRSA's web identity token, through the SDK's default credential chain).
 * The IAM policy allows rds-db:connect as tbyte_app on this instance only
 * (terraform/modules/platform/identities.tf).
 */
export function rdsIamSigner({ host, port, region }: RdsEndpoint): AuthTokenSigner {
  const signer = new Signer({ hostname: host, port, username: appRole, region });
  return () => signer.getAuthToken();
}
