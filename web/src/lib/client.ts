import { authExchange } from "@urql/exchange-auth";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";
import { getAccessToken, onTokenChange, refresh } from "./session";

let ws: WsClient | null = null;

function websocket(): WsClient {
  if (!ws) {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    ws = createWsClient({
      url: `${scheme}://${window.location.host}/graphql`,
      lazy: true,
      retryAttempts: 5,
      // Authenticates in connection_init, as the gateway expects (gateway/subscriptions.py).
      connectionParams: () => {
        const token = getAccessToken();
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
    });
  }
  return ws;
}

// A new access token means a new socket: the gateway authenticates a socket once, when it opens.
onTokenChange(() => {
  const old = ws;
  ws = null;
  void old?.dispose();
});

export function createClient(): Client {
  return new Client({
    url: "/graphql",
    // Lists change from several pages; fresh data on every visit costs little here.
    requestPolicy: "cache-and-network",
    exchanges: [
      cacheExchange,
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const token = getAccessToken();
          return token
            ? utils.appendHeaders(operation, { Authorization: `Bearer ${token}` })
            : operation;
        },
        didAuthError(error) {
          return error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
        },
        async refreshAuth() {
          await refresh();
        },
      })),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = websocket().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
