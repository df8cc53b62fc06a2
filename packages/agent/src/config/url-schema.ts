import { z } from 'zod';

export interface HttpUrlOptions {
  /** Shown when the text is not a URL at all, e.g. `write e.g. https://collector.example/v1/metrics`. */
  exampleHint: string;
  /** Shown when the URL carries a user name or password; left out, the issue has no hint. */
  credentialsHint?: string;
  /** A further check, run only on an http(s) URL. */
  check?: (url: URL, ctx: z.RefinementCtx) => void;
}

/**
 * An http(s) URL without credentials. Messages never include the text (it may hold a password): the path says
 * where, the hint shows an example.
 */
export function httpUrl({ exampleHint, credentialsHint, check }: HttpUrlOptions) {
  return z.string().superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a URL', params: { hint: exampleHint } });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
    } else {
      check?.(url, ctx);
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({
        code: 'custom',
        message: 'must not contain credentials',
        ...(credentialsHint === undefined ? {} : { params: { hint: credentialsHint } }),
      });
    }
  });
}
