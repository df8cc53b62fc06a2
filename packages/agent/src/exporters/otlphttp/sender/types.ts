/**
 * What one POST of a batch came to. `reason` is a short, fixed code safe for logs and the outbound log
 * (`http_503`, `ECONNREFUSED`, `timeout`, `tls_untrusted`): never a URL, header, key or response body.
 * `bytes` is the request body as sent on the wire (after compression).
 */
export type SendOutcome =
  | { kind: 'success'; status: number; rejectedDataPoints: number; bytes: number }
  | {
      kind: 'retryable';
      status: number | undefined;
      reason: string;
      retryAfterMillis: number | undefined;
      bytes: number;
    }
  | { kind: 'failed'; status: number | undefined; reason: string; bytes: number };

/** Sends one OTLP `ExportMetricsServiceRequest`, given as protobuf bytes. Never throws. */
export interface Sender {
  send(request: Uint8Array, signal?: AbortSignal): Promise<SendOutcome>;
  /** Releases idle connections (the HTTP sender's keep-alive sockets). Safe twice; `send` still works after. */
  close?(): void;
}
