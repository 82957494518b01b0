// oidc-provider ships no type declarations (and @types/oidc-provider is not installed): the few
// parts the stand-in uses, typed loosely.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  type KoaContext = {
    path: string;
    method: string;
    query: Record<string, unknown>;
    request: unknown;
    status: number;
    type: string;
    body: unknown;
    host: string;
    get(header: string): string;
    oidc: {
      provider: Provider;
      client?: { clientId: string };
      session?: { accountId?: string };
      requestParamScopes?: Set<string>;
      requestParamClaims?: Set<string>;
    };
  };

  export type Configuration = Record<string, unknown> & {
    features?: Record<string, unknown>;
    jwks?: { keys: Record<string, unknown>[] };
    loadExistingGrant?: (ctx: KoaContext) => Promise<unknown>;
    findAccount?: (ctx: KoaContext, sub: string) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> } | undefined>;
    interactions?: { url: (ctx: KoaContext, interaction: { uid: string }) => Promise<string> };
    renderError?: (ctx: KoaContext, out: Record<string, unknown>, error: unknown) => Promise<void>;
  };

  export type LogoutSource = (ctx: KoaContext, form: string) => Promise<void>;

  class Grant {
    constructor(options: { clientId: string; accountId: string });
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    proxy: boolean;
    Grant: typeof Grant;
    Client: { find(id: string): Promise<{ clientName?: string } | undefined> };
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ uid: string; params: Record<string, unknown> }>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  }
}
