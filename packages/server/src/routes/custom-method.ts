/**
 * Custom methods (`POST /v1/runs/{runId}:pause`) put the verb in the id's path segment. The
 * router reads a parameter up to the next slash, so the route is a parameter whose pattern
 * ends with the verb; {@link pathParam} strips the verb again and `routeOf` names the route
 * as the OpenAPI document does.
 */
export function customMethodRoute(base: string, parameter: string, verb: string): string {
  return `${base}/:${parameter}{[^/]+:${verb}}`;
}

/** `:runId{[^/]+:pause}` as OpenAPI writes it, `{runId}:pause`. */
export function openApiCustomMethod(routePath: string): string {
  return routePath.replace(/:([A-Za-z0-9_]+)\{\[\^\/\]\+(:[a-z-]+)\}/g, "{$1}$2");
}
