import { isPrivacyLevel, type PrivacyLevel } from '@prism-telemetry/privacy';
import { effectiveJson } from '../../cli/commands/mode.js';
import { PrismError } from '../../errors.js';
import { changeMode } from '../../state/consent.js';
import { envFlag } from '../../state/effective-mode.js';
import { consentToSharing, firstOtlpHttpEndpoint } from '../../state/sharing-consent.js';
import { MODES, type Mode } from '../../state/types.js';
import { sendError, sendJson } from '../http/respond.js';
import type { Route } from './route.js';

export interface ModeRequest {
  mode: Mode;
  level: PrivacyLevel | undefined;
  confirm: boolean;
}

const KEYS = new Set(['mode', 'level', 'confirm']);

/** `{"mode","level"?,"confirm"?}` and nothing else; undefined when the body is not that. */
export function parseModeRequest(body: unknown): ModeRequest | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (Object.keys(b).some((k) => !KEYS.has(k))) return undefined;
  const mode = b['mode'];
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) return undefined;
  const level = b['level'];
  if (level !== undefined && !(typeof level === 'string' && isPrivacyLevel(level))) return undefined;
  if (b['confirm'] !== undefined && typeof b['confirm'] !== 'boolean') return undefined;
  return { mode: mode as Mode, level: level as PrivacyLevel | undefined, confirm: b['confirm'] === true };
}

/**
 * The dashboard's mode switch, doing what the CLI does: `on` records consent as `enable --yes` does (the page
 * showed the manifest and the user confirmed); `local` and `off` revoke consent and empty the queue as
 * `mode local` and `disable` do. The agent applies the change before the answer goes out.
 */
export const modeRoute: Route = {
  method: 'POST',
  session: true,
  async handle({ res, backend, body }) {
    const request = parseModeRequest(body);
    if (!request) {
      sendError(
        res,
        400,
        'PT_ERR_DASHBOARD_REQUEST',
        'expected {"mode":"off|local|on","level"?:"minimal|standard|detailed","confirm"?:true}',
      );
      return;
    }
    const now = backend.clock.now();
    try {
      if (request.mode === 'on') {
        if (envFlag(backend.env['PRISM_TELEMETRY_DISABLED'])) {
          throw new PrismError('PT_ERR_TELEMETRY_DISABLED', 'PRISM_TELEMETRY_DISABLED is set for the agent', {
            hint: 'restart the agent without PRISM_TELEMETRY_DISABLED to allow sharing',
          });
        }
        const endpoint = firstOtlpHttpEndpoint(backend.config);
        if (endpoint === undefined) {
          throw new PrismError('PT_ERR_SHARING_NOT_ENABLED', 'no sharing endpoint is configured', {
            hint: 'add an otlphttp exporter to a pipeline of the config and restart the agent',
          });
        }
        if (!request.confirm) {
          throw new PrismError('PT_ERR_CONFIRMATION_REQUIRED', 'turning sharing on needs "confirm": true', {
            hint: 'show the user what will be shared (GET /api/collected) and send the request again with confirm',
          });
        }
        await consentToSharing(backend.dataDir, {
          level: request.level ?? backend.config.telemetry.privacyLevel,
          endpoint,
          now,
        });
      } else {
        await changeMode(backend.dataDir, request.mode, {
          now,
          reason: `mode set to ${request.mode} in the dashboard`,
        });
      }
    } catch (error) {
      if (!(error instanceof PrismError)) throw error;
      sendError(res, 409, error.code, error.message, error.hint);
      return;
    }
    await backend.applyStateNow();
    sendJson(res, 200, { mode: effectiveJson(backend.mode()) });
  },
};
