import type { RequestEnvelope, ResponseEnvelope } from '../shared/api/envelope';

export interface MlsysBridge {
  invoke(req: RequestEnvelope): Promise<ResponseEnvelope>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    mlsys?: MlsysBridge;
  }
}
