// A module resolve hook (module.register) that maps `electron` to test/support/electron-stub.mjs.
const stubUrl = new URL('./electron-stub.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: stubUrl, shortCircuit: true };
  return nextResolve(specifier, context);
}
