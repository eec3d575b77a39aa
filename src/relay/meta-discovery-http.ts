/**
 * The relay's HTTP "meta discovery" server (OpenDDS spec §8.1, `RelayHttpMetaDiscovery.cpp`), for load
 * balancers and clients choosing a relay:
 * - `GET /config` → 200 with the configured content (`-MetaDiscoveryContent`, default `{}`) and type
 *   (`-MetaDiscoveryContentType`, default `application/json`);
 * - `GET /healthcheck` → `200 OK`, or `503 Service Unavailable` when the relay is not admitting new
 *   clients (not-admitting, draining, admission queue full, participant high water mark);
 * - any other path → 404; another method on those paths → 405 with `Allow: GET`.
 * Request bodies are not read; slow or oversized requests are cut off by Node's header and request
 * timeouts (set short here) and its header size limit. Bound with `node:http` to a configured address
 * (`-MetaDiscoveryAddress`, default `0.0.0.0:8080`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidConfigError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';

/** Options of {@link MetaDiscoveryServer.start}. */
export interface MetaDiscoveryOptions {
  /** Address to listen on (a wildcard is allowed here). Default `0.0.0.0`. */
  readonly ip?: string;
  /** Port; 0 = any free port. Default 8080. */
  readonly port?: number;
  /** `-MetaDiscoveryContentType`; default `application/json`. */
  readonly contentType?: string;
  /** `-MetaDiscoveryContent` (or the text of `-MetaDiscoveryContentPath`); default `{}`. */
  readonly content?: string;
  /** Whether the relay admits new clients now (`/healthcheck`). */
  readonly isAdmitting: () => boolean;
  readonly log?: Logger;
  /** Header and request timeout, ms; default 5000. */
  readonly requestTimeoutMs?: number;
}

/** Counters of {@link MetaDiscoveryServer}. */
export interface MetaDiscoveryStats {
  readonly requests: number;
  readonly config: number;
  readonly healthy: number;
  readonly unhealthy: number;
  readonly notFound: number;
  readonly badMethod: number;
}

/** See the module comment. */
export class MetaDiscoveryServer {
  readonly #server: Server;
  readonly #options: MetaDiscoveryOptions;
  readonly #log: Logger;
  readonly #stats = { requests: 0, config: 0, healthy: 0, unhealthy: 0, notFound: 0, badMethod: 0 };
  #isClosed = false;

  private constructor(server: Server, options: MetaDiscoveryOptions, log: Logger) {
    this.#server = server;
    this.#options = options;
    this.#log = log;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => { this.#handle(req, res); });
  }

  /**
   * Listens on `ip:port`.
   * @throws InvalidConfigError for a bad port; the listen error (EADDRINUSE, EADDRNOTAVAIL, …).
   */
  static async start(options: MetaDiscoveryOptions): Promise<MetaDiscoveryServer> {
    const port = options.port ?? 8080;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidConfigError('metaDiscoveryPort', `${port} is not a port`);
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    const server = createServer({ requestTimeout: timeoutMs, headersTimeout: timeoutMs, maxHeaderSize: 8192 });
    const log = (options.log ?? silentLogger).child('meta-discovery');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.ip ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => { log.warn('http server error', { err }); });
    server.on('clientError', (err, socket) => { socket.destroy(err); });
    return new MetaDiscoveryServer(server, options, log);
  }

  /** The bound address. */
  get address(): { readonly ip: string; readonly port: number } {
    const a = this.#server.address() as AddressInfo;
    return { ip: a.address, port: a.port };
  }

  stats(): MetaDiscoveryStats {
    return { ...this.#stats };
  }

  /** Stops listening and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => { this.#server.close(() => { resolve(); }); });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    this.#stats.requests++;
    const path = (req.url ?? '').split('?')[0];
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path !== '/config' && path !== '/healthcheck') {
      this.#stats.notFound++;
      send(404, 'text/plain', 'Not Found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.#stats.badMethod++;
      send(405, 'text/plain', 'Method Not Allowed', { Allow: 'GET' });
      return;
    }
    if (path === '/config') {
      this.#stats.config++;
      send(200, this.#options.contentType ?? 'application/json', this.#options.content ?? '{}');
      return;
    }
    if (this.#options.isAdmitting()) {
      this.#stats.healthy++;
      send(200, 'text/plain', 'OK');
    } else {
      this.#stats.unhealthy++;
      this.#log.debug('healthcheck: not admitting');
      send(503, 'text/plain', 'Service Unavailable');
    }
  }
}
