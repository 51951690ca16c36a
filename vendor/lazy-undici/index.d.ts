// The shim's types are the real undici's, for the names it provides.
export { ProxyAgent } from 'undici-real'
