import { type StubRequest, stubRegistry } from './registry.ts';

function respond(request: StubRequest) {
  const registry = stubRegistry();
  registry.requests.push(request);
  const answer = registry.server(request);
  return {
    status: answer.status,
    body: answer.body,
    headers: answer.headers,
    json: () => JSON.parse(answer.body) as unknown,
  };
}

export default {
  get(url: string, params: StubRequest['params'] = {}) {
    return respond({ method: 'GET', url, body: null, params });
  },
  async asyncRequest(method: string, url: string, body: string | null, params: StubRequest['params'] = {}) {
    return respond({ method, url, body, params });
  },
};
