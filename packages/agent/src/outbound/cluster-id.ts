import { createHmac } from 'node:crypto';

/**
 * The id under which an endpoint files this install's data: HMAC-SHA256 of the literal `cluster-id`, keyed
 * with the install secret, first 32 hex characters. It reveals nothing about the machine, and rotating the
 * secret (`delete --all`) gives the install a new, unlinkable id; so compute it before rotating.
 */
export function clusterIdFor(secret: Uint8Array): string {
  return createHmac('sha256', secret).update('cluster-id').digest('hex').slice(0, 32);
}
