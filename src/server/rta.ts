import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { RtaService, type RtaServiceDeps } from '../rta/service.ts';
import { fastifyRtaServer, nodeRtaServer } from './rta-http.ts';

// `--services=rta`: the RTA decision service on its own port (FLYWHEEL_RTA_PORT), beside or apart from the API.

/** A running RTA service and its HTTP server. */
export interface RunningRta {
  readonly service: RtaService;
  readonly url: string;
  stop(): Promise<void>;
}

/** Builds the first decision table, then serves the RTA endpoint on `port`. */
export async function startRta(
  deps: RtaServiceDeps & {
    readonly port: number;
    readonly host?: string;
    readonly http?: 'node' | 'fastify';
  },
): Promise<RunningRta> {
  const service = new RtaService(deps);
  await service.start();
  const host = deps.host ?? '0.0.0.0';
  let server: Server | FastifyInstance;
  let url: string;
  try {
    if (deps.http === 'fastify') {
      const app = await fastifyRtaServer(service.handle);
      server = app;
      url = (await app.listen({ port: deps.port, host }))
        .replace('0.0.0.0', 'localhost')
        .replace('[::]', 'localhost');
    } else {
      const node = nodeRtaServer(service.handle);
      server = node;
      await new Promise<void>((resolve, reject) => {
        node.once('error', reject);
        node.listen(deps.port, host, () => resolve());
      });
      const address = node.address() as AddressInfo;
      url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
    }
  } catch (error) {
    await service.stop();
    throw error;
  }
  return {
    service,
    url,
    async stop() {
      if ('inject' in server) await server.close();
      else {
        const node = server;
        node.closeAllConnections();
        await new Promise<void>((resolve) => node.close(() => resolve()));
      }
      await service.stop();
    },
  };
}
