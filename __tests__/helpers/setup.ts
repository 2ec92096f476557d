// tfjs's cpu backend advertises tfjs-node once per process on its first tensor; that banner
// is noise in test output (it cannot be installed here), so drop just that message.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('install our node backend')) return;
  warn(...args);
};
