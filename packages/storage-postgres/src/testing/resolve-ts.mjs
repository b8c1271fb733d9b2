// Lets a plain `node` child process import this workspace's TypeScript sources: the
// sources import each other as `./x.js` (NodeNext style), which exists only as `./x.ts`
// until a build. Node strips the types itself (--experimental-transform-types).
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      if (!relative || !specifier.endsWith(".js") || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
