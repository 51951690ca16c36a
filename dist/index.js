import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 770:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

module.exports = __nccwpck_require__(218);


/***/ }),

/***/ 218:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var net = __nccwpck_require__(278);
var tls = __nccwpck_require__(756);
var http = __nccwpck_require__(611);
var https = __nccwpck_require__(692);
var events = __nccwpck_require__(434);
var assert = __nccwpck_require__(613);
var util = __nccwpck_require__(23);


exports.httpOverHttp = httpOverHttp;
exports.httpsOverHttp = httpsOverHttp;
exports.httpOverHttps = httpOverHttps;
exports.httpsOverHttps = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
__webpack_unused_export__ = debug; // for test


/***/ }),

/***/ 689:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

// Stands in for undici: the real module (~0.9 MiB of code) is loaded on first use, not at start-up.


// @actions/http-client imports { ProxyAgent } from 'undici' at load, and @actions/core loads
// http-client, yet ProxyAgent is constructed only when a proxy is configured (getAgentDispatcher).
// Each name below reads the real module when first read; the action itself never does. The real
// module sits behind ./undici/index.cjs, which `npm run package` bundles into a file of its own
// (dist/undici/index.cjs) and leaves out of dist/index.js (`ncc -e`): parsing it at every start
// cost 12-15 ms, evaluating it another 12-17 ms.
let real
function load() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, loaded on demand
  if (real === undefined) real = __nccwpck_require__(103)
  return real
}

// Plain assignments first, so that Node's CommonJS export scanner lists the names for
// `import { ProxyAgent } from 'undici'`; the getters then replace them.
exports.ProxyAgent = undefined

for (const name of Object.keys(exports)) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    configurable: true,
    get: () => load()[name]
  })
}


/***/ }),

/***/ 407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(821);
// Entry point of the bundled action: the runner executes dist/index.js, built from this file.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .eF)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 821:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  eF: () => (/* binding */ run)
});

// UNUSED EXPORTS: CANCEL_GRACE_MS, CANCEL_SETTLE_MS

;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function utils_toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_namespaceObject.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_namespaceObject.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_namespaceObject.appendFileSync(filePath, `${utils_toCommandValue(message)}${external_os_namespaceObject.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = utils_toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_namespaceObject.EOL}${convertedValue}${external_os_namespaceObject.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: external "http"
var external_http_ = __nccwpck_require__(611);
var external_http_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_http_, 2);
// EXTERNAL MODULE: external "https"
var external_https_ = __nccwpck_require__(692);
var external_https_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_https_, 2);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
// EXTERNAL MODULE: ./node_modules/tunnel/index.js
var tunnel = __nccwpck_require__(770);
// EXTERNAL MODULE: ./vendor/lazy-undici/index.js
var lazy_undici = __nccwpck_require__(689);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/index.js
/* eslint-disable @typescript-eslint/no-explicit-any */
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};





var HttpCodes;
(function (HttpCodes) {
    HttpCodes[HttpCodes["OK"] = 200] = "OK";
    HttpCodes[HttpCodes["MultipleChoices"] = 300] = "MultipleChoices";
    HttpCodes[HttpCodes["MovedPermanently"] = 301] = "MovedPermanently";
    HttpCodes[HttpCodes["ResourceMoved"] = 302] = "ResourceMoved";
    HttpCodes[HttpCodes["SeeOther"] = 303] = "SeeOther";
    HttpCodes[HttpCodes["NotModified"] = 304] = "NotModified";
    HttpCodes[HttpCodes["UseProxy"] = 305] = "UseProxy";
    HttpCodes[HttpCodes["SwitchProxy"] = 306] = "SwitchProxy";
    HttpCodes[HttpCodes["TemporaryRedirect"] = 307] = "TemporaryRedirect";
    HttpCodes[HttpCodes["PermanentRedirect"] = 308] = "PermanentRedirect";
    HttpCodes[HttpCodes["BadRequest"] = 400] = "BadRequest";
    HttpCodes[HttpCodes["Unauthorized"] = 401] = "Unauthorized";
    HttpCodes[HttpCodes["PaymentRequired"] = 402] = "PaymentRequired";
    HttpCodes[HttpCodes["Forbidden"] = 403] = "Forbidden";
    HttpCodes[HttpCodes["NotFound"] = 404] = "NotFound";
    HttpCodes[HttpCodes["MethodNotAllowed"] = 405] = "MethodNotAllowed";
    HttpCodes[HttpCodes["NotAcceptable"] = 406] = "NotAcceptable";
    HttpCodes[HttpCodes["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
    HttpCodes[HttpCodes["RequestTimeout"] = 408] = "RequestTimeout";
    HttpCodes[HttpCodes["Conflict"] = 409] = "Conflict";
    HttpCodes[HttpCodes["Gone"] = 410] = "Gone";
    HttpCodes[HttpCodes["TooManyRequests"] = 429] = "TooManyRequests";
    HttpCodes[HttpCodes["InternalServerError"] = 500] = "InternalServerError";
    HttpCodes[HttpCodes["NotImplemented"] = 501] = "NotImplemented";
    HttpCodes[HttpCodes["BadGateway"] = 502] = "BadGateway";
    HttpCodes[HttpCodes["ServiceUnavailable"] = 503] = "ServiceUnavailable";
    HttpCodes[HttpCodes["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function (Headers) {
    Headers["Accept"] = "accept";
    Headers["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function (MediaTypes) {
    MediaTypes["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
/**
 * Returns the proxy URL, depending upon the supplied url and proxy environment variables.
 * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
 */
function lib_getProxyUrl(serverUrl) {
    const proxyUrl = getProxyUrl(new URL(serverUrl));
    return proxyUrl ? proxyUrl.href : '';
}
const HttpRedirectCodes = [
    HttpCodes.MovedPermanently,
    HttpCodes.ResourceMoved,
    HttpCodes.SeeOther,
    HttpCodes.TemporaryRedirect,
    HttpCodes.PermanentRedirect
];
const HttpResponseRetryCodes = [
    HttpCodes.BadGateway,
    HttpCodes.ServiceUnavailable,
    HttpCodes.GatewayTimeout
];
const RetryableHttpVerbs = ['OPTIONS', 'GET', 'DELETE', 'HEAD'];
const ExponentialBackoffCeiling = 10;
const ExponentialBackoffTimeSlice = 5;
class HttpClientError extends Error {
    constructor(message, statusCode) {
        super(message);
        this.name = 'HttpClientError';
        this.statusCode = statusCode;
        Object.setPrototypeOf(this, HttpClientError.prototype);
    }
}
class HttpClientResponse {
    constructor(message) {
        this.message = message;
    }
    readBody() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                let output = Buffer.alloc(0);
                this.message.on('data', (chunk) => {
                    output = Buffer.concat([output, chunk]);
                });
                this.message.on('end', () => {
                    resolve(output.toString());
                });
            }));
        });
    }
    readBodyBuffer() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                const chunks = [];
                this.message.on('data', (chunk) => {
                    chunks.push(chunk);
                });
                this.message.on('end', () => {
                    resolve(Buffer.concat(chunks));
                });
            }));
        });
    }
}
function isHttps(requestUrl) {
    const parsedUrl = new URL(requestUrl);
    return parsedUrl.protocol === 'https:';
}
class lib_HttpClient {
    constructor(userAgent, handlers, requestOptions) {
        this._ignoreSslError = false;
        this._allowRedirects = true;
        this._allowRedirectDowngrade = false;
        this._maxRedirects = 50;
        this._allowRetries = false;
        this._maxRetries = 1;
        this._keepAlive = false;
        this._disposed = false;
        this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
        this.handlers = handlers || [];
        this.requestOptions = requestOptions;
        if (requestOptions) {
            if (requestOptions.ignoreSslError != null) {
                this._ignoreSslError = requestOptions.ignoreSslError;
            }
            this._socketTimeout = requestOptions.socketTimeout;
            if (requestOptions.allowRedirects != null) {
                this._allowRedirects = requestOptions.allowRedirects;
            }
            if (requestOptions.allowRedirectDowngrade != null) {
                this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
            }
            if (requestOptions.maxRedirects != null) {
                this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
            }
            if (requestOptions.keepAlive != null) {
                this._keepAlive = requestOptions.keepAlive;
            }
            if (requestOptions.allowRetries != null) {
                this._allowRetries = requestOptions.allowRetries;
            }
            if (requestOptions.maxRetries != null) {
                this._maxRetries = requestOptions.maxRetries;
            }
        }
    }
    options(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('OPTIONS', requestUrl, null, additionalHeaders || {});
        });
    }
    get(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('GET', requestUrl, null, additionalHeaders || {});
        });
    }
    del(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('DELETE', requestUrl, null, additionalHeaders || {});
        });
    }
    post(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('POST', requestUrl, data, additionalHeaders || {});
        });
    }
    patch(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PATCH', requestUrl, data, additionalHeaders || {});
        });
    }
    put(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PUT', requestUrl, data, additionalHeaders || {});
        });
    }
    head(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('HEAD', requestUrl, null, additionalHeaders || {});
        });
    }
    sendStream(verb, requestUrl, stream, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request(verb, requestUrl, stream, additionalHeaders);
        });
    }
    /**
     * Gets a typed object from an endpoint
     * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
     */
    getJson(requestUrl_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            const res = yield this.get(requestUrl, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    postJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.post(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    putJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.put(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    patchJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.patch(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    /**
     * Makes a raw http request.
     * All other methods such as get, post, patch, and request ultimately call this.
     * Prefer get, del, post and patch
     */
    request(verb, requestUrl, data, headers) {
        return __awaiter(this, void 0, void 0, function* () {
            if (this._disposed) {
                throw new Error('Client has already been disposed.');
            }
            const parsedUrl = new URL(requestUrl);
            let info = this._prepareRequest(verb, parsedUrl, headers);
            // Only perform retries on reads since writes may not be idempotent.
            const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb)
                ? this._maxRetries + 1
                : 1;
            let numTries = 0;
            let response;
            do {
                response = yield this.requestRaw(info, data);
                // Check if it's an authentication challenge
                if (response &&
                    response.message &&
                    response.message.statusCode === HttpCodes.Unauthorized) {
                    let authenticationHandler;
                    for (const handler of this.handlers) {
                        if (handler.canHandleAuthentication(response)) {
                            authenticationHandler = handler;
                            break;
                        }
                    }
                    if (authenticationHandler) {
                        return authenticationHandler.handleAuthentication(this, info, data);
                    }
                    else {
                        // We have received an unauthorized response but have no handlers to handle it.
                        // Let the response return to the caller.
                        return response;
                    }
                }
                let redirectsRemaining = this._maxRedirects;
                while (response.message.statusCode &&
                    HttpRedirectCodes.includes(response.message.statusCode) &&
                    this._allowRedirects &&
                    redirectsRemaining > 0) {
                    const redirectUrl = response.message.headers['location'];
                    if (!redirectUrl) {
                        // if there's no location to redirect to, we won't
                        break;
                    }
                    const parsedRedirectUrl = new URL(redirectUrl);
                    if (parsedUrl.protocol === 'https:' &&
                        parsedUrl.protocol !== parsedRedirectUrl.protocol &&
                        !this._allowRedirectDowngrade) {
                        throw new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.');
                    }
                    // we need to finish reading the response before reassigning response
                    // which will leak the open socket.
                    yield response.readBody();
                    // strip authorization header if redirected to a different hostname
                    if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
                        for (const header in headers) {
                            // header names are case insensitive
                            if (header.toLowerCase() === 'authorization') {
                                delete headers[header];
                            }
                        }
                    }
                    // let's make the request with the new redirectUrl
                    info = this._prepareRequest(verb, parsedRedirectUrl, headers);
                    response = yield this.requestRaw(info, data);
                    redirectsRemaining--;
                }
                if (!response.message.statusCode ||
                    !HttpResponseRetryCodes.includes(response.message.statusCode)) {
                    // If not a retry code, return immediately instead of retrying
                    return response;
                }
                numTries += 1;
                if (numTries < maxTries) {
                    yield response.readBody();
                    yield this._performExponentialBackoff(numTries);
                }
            } while (numTries < maxTries);
            return response;
        });
    }
    /**
     * Needs to be called if keepAlive is set to true in request options.
     */
    dispose() {
        if (this._agent) {
            this._agent.destroy();
        }
        this._disposed = true;
    }
    /**
     * Raw request.
     * @param info
     * @param data
     */
    requestRaw(info, data) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => {
                function callbackForResult(err, res) {
                    if (err) {
                        reject(err);
                    }
                    else if (!res) {
                        // If `err` is not passed, then `res` must be passed.
                        reject(new Error('Unknown error'));
                    }
                    else {
                        resolve(res);
                    }
                }
                this.requestRawWithCallback(info, data, callbackForResult);
            });
        });
    }
    /**
     * Raw request with callback.
     * @param info
     * @param data
     * @param onResult
     */
    requestRawWithCallback(info, data, onResult) {
        if (typeof data === 'string') {
            if (!info.options.headers) {
                info.options.headers = {};
            }
            info.options.headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
        }
        let callbackCalled = false;
        function handleResult(err, res) {
            if (!callbackCalled) {
                callbackCalled = true;
                onResult(err, res);
            }
        }
        const req = info.httpModule.request(info.options, (msg) => {
            const res = new HttpClientResponse(msg);
            handleResult(undefined, res);
        });
        let socket;
        req.on('socket', sock => {
            socket = sock;
        });
        // If we ever get disconnected, we want the socket to timeout eventually
        req.setTimeout(this._socketTimeout || 3 * 60000, () => {
            if (socket) {
                socket.end();
            }
            handleResult(new Error(`Request timeout: ${info.options.path}`));
        });
        req.on('error', function (err) {
            // err has statusCode property
            // res should have headers
            handleResult(err);
        });
        if (data && typeof data === 'string') {
            req.write(data, 'utf8');
        }
        if (data && typeof data !== 'string') {
            data.on('close', function () {
                req.end();
            });
            data.pipe(req);
        }
        else {
            req.end();
        }
    }
    /**
     * Gets an http agent. This function is useful when you need an http agent that handles
     * routing through a proxy server - depending upon the url and proxy environment variables.
     * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
     */
    getAgent(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        return this._getAgent(parsedUrl);
    }
    getAgentDispatcher(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (!useProxy) {
            return;
        }
        return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
    }
    _prepareRequest(method, requestUrl, headers) {
        const info = {};
        info.parsedUrl = requestUrl;
        const usingSsl = info.parsedUrl.protocol === 'https:';
        info.httpModule = usingSsl ? external_https_namespaceObject : external_http_namespaceObject;
        const defaultPort = usingSsl ? 443 : 80;
        info.options = {};
        info.options.host = info.parsedUrl.hostname;
        info.options.port = info.parsedUrl.port
            ? parseInt(info.parsedUrl.port)
            : defaultPort;
        info.options.path =
            (info.parsedUrl.pathname || '') + (info.parsedUrl.search || '');
        info.options.method = method;
        info.options.headers = this._mergeHeaders(headers);
        if (this.userAgent != null) {
            info.options.headers['user-agent'] = this.userAgent;
        }
        info.options.agent = this._getAgent(info.parsedUrl);
        // gives handlers an opportunity to participate
        if (this.handlers) {
            for (const handler of this.handlers) {
                handler.prepareRequest(info.options);
            }
        }
        return info;
    }
    _mergeHeaders(headers) {
        if (this.requestOptions && this.requestOptions.headers) {
            return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
        }
        return lowercaseKeys(headers || {});
    }
    /**
     * Gets an existing header value or returns a default.
     * Handles converting number header values to strings since HTTP headers must be strings.
     * Note: This returns string | string[] since some headers can have multiple values.
     * For headers that must always be a single string (like Content-Type), use the
     * specialized _getExistingOrDefaultContentTypeHeader method instead.
     */
    _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
            if (headerValue) {
                clientHeader =
                    typeof headerValue === 'number' ? headerValue.toString() : headerValue;
            }
        }
        const additionalValue = additionalHeaders[header];
        if (additionalValue !== undefined) {
            return typeof additionalValue === 'number'
                ? additionalValue.toString()
                : additionalValue;
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    /**
     * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
     * Always returns a single string (not an array) since Content-Type should be a single value.
     * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
     * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
     * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
     */
    _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
            if (headerValue) {
                if (typeof headerValue === 'number') {
                    clientHeader = String(headerValue);
                }
                else if (Array.isArray(headerValue)) {
                    clientHeader = headerValue.join(', ');
                }
                else {
                    clientHeader = headerValue;
                }
            }
        }
        const additionalValue = additionalHeaders[Headers.ContentType];
        // Return the first non-undefined value, converting numbers or arrays to strings if necessary
        if (additionalValue !== undefined) {
            if (typeof additionalValue === 'number') {
                return String(additionalValue);
            }
            else if (Array.isArray(additionalValue)) {
                return additionalValue.join(', ');
            }
            else {
                return additionalValue;
            }
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    _getAgent(parsedUrl) {
        let agent;
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (this._keepAlive && useProxy) {
            agent = this._proxyAgent;
        }
        if (!useProxy) {
            agent = this._agent;
        }
        // if agent is already assigned use that agent.
        if (agent) {
            return agent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        let maxSockets = 100;
        if (this.requestOptions) {
            maxSockets = this.requestOptions.maxSockets || external_http_.globalAgent.maxSockets;
        }
        // This is `useProxy` again, but we need to check `proxyURl` directly for TypeScripts's flow analysis.
        if (proxyUrl && proxyUrl.hostname) {
            const agentOptions = {
                maxSockets,
                keepAlive: this._keepAlive,
                proxy: Object.assign(Object.assign({}, ((proxyUrl.username || proxyUrl.password) && {
                    proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
                })), { host: proxyUrl.hostname, port: proxyUrl.port })
            };
            let tunnelAgent;
            const overHttps = proxyUrl.protocol === 'https:';
            if (usingSsl) {
                tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
            }
            else {
                tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
            }
            agent = tunnelAgent(agentOptions);
            this._proxyAgent = agent;
        }
        // if tunneling agent isn't assigned create a new agent
        if (!agent) {
            const options = { keepAlive: this._keepAlive, maxSockets };
            agent = usingSsl ? new external_https_.Agent(options) : new external_http_.Agent(options);
            this._agent = agent;
        }
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            agent.options = Object.assign(agent.options || {}, {
                rejectUnauthorized: false
            });
        }
        return agent;
    }
    _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
        let proxyAgent;
        if (this._keepAlive) {
            proxyAgent = this._proxyAgentDispatcher;
        }
        // if agent is already assigned use that agent.
        if (proxyAgent) {
            return proxyAgent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        proxyAgent = new lazy_undici.ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, ((proxyUrl.username || proxyUrl.password) && {
            token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString('base64')}`
        })));
        this._proxyAgentDispatcher = proxyAgent;
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
                rejectUnauthorized: false
            });
        }
        return proxyAgent;
    }
    _getUserAgentWithOrchestrationId(userAgent) {
        const baseUserAgent = userAgent || 'actions/http-client';
        const orchId = process.env['ACTIONS_ORCHESTRATION_ID'];
        if (orchId) {
            // Sanitize the orchestration ID to ensure it contains only valid characters
            // Valid characters: 0-9, a-z, _, -, .
            const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, '_');
            return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
        }
        return baseUserAgent;
    }
    _performExponentialBackoff(retryNumber) {
        return __awaiter(this, void 0, void 0, function* () {
            retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
            const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
            return new Promise(resolve => setTimeout(() => resolve(), ms));
        });
    }
    _processResponse(res, options) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                const statusCode = res.message.statusCode || 0;
                const response = {
                    statusCode,
                    result: null,
                    headers: {}
                };
                // not found leads to null obj returned
                if (statusCode === HttpCodes.NotFound) {
                    resolve(response);
                }
                // get the result from the body
                function dateTimeDeserializer(key, value) {
                    if (typeof value === 'string') {
                        const a = new Date(value);
                        if (!isNaN(a.valueOf())) {
                            return a;
                        }
                    }
                    return value;
                }
                let obj;
                let contents;
                try {
                    contents = yield res.readBody();
                    if (contents && contents.length > 0) {
                        if (options && options.deserializeDates) {
                            obj = JSON.parse(contents, dateTimeDeserializer);
                        }
                        else {
                            obj = JSON.parse(contents);
                        }
                        response.result = obj;
                    }
                    response.headers = res.message.headers;
                }
                catch (err) {
                    // Invalid resource (contents not json);  leaving result obj null
                }
                // note that 3xx redirects are handled by the http layer.
                if (statusCode > 299) {
                    let msg;
                    // if exception/error in body, attempt to get better error
                    if (obj && obj.message) {
                        msg = obj.message;
                    }
                    else if (contents && contents.length > 0) {
                        // it may be the case that the exception is in the body message as string
                        msg = contents;
                    }
                    else {
                        msg = `Failed request: (${statusCode})`;
                    }
                    const err = new HttpClientError(msg, statusCode);
                    err.result = response.result;
                    reject(err);
                }
                else {
                    resolve(response);
                }
            }));
        });
    }
}
const lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => ((c[k.toLowerCase()] = obj[k]), c), {});
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var auth_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_namespaceObject.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_namespaceObject.constants.R_OK | external_fs_namespaceObject.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_namespaceObject.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: external "string_decoder"
const external_string_decoder_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");
// EXTERNAL MODULE: external "events"
var external_events_ = __nccwpck_require__(434);
;// CONCATENATED MODULE: external "child_process"
const external_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");
// EXTERNAL MODULE: external "assert"
var external_assert_ = __nccwpck_require__(613);
;// CONCATENATED MODULE: ./node_modules/@actions/io/lib/io-util.js
var io_util_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { chmod, copyFile, lstat, mkdir, open: io_util_open, readdir, rename, rm, rmdir, stat, symlink, unlink } = external_fs_namespaceObject.promises;
// export const {open} = 'fs'
const IS_WINDOWS = process.platform === 'win32';
/**
 * Custom implementation of readlink to ensure Windows junctions
 * maintain trailing backslash for backward compatibility with Node.js < 24
 *
 * In Node.js 20, Windows junctions (directory symlinks) always returned paths
 * with trailing backslashes. Node.js 24 removed this behavior, which breaks
 * code that relied on this format for path operations.
 *
 * This implementation restores the Node 20 behavior by adding a trailing
 * backslash to all junction results on Windows.
 */
function readlink(fsPath) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        const result = yield fs.promises.readlink(fsPath);
        // On Windows, restore Node 20 behavior: add trailing backslash to all results
        // since junctions on Windows are always directory links
        if (IS_WINDOWS && !result.endsWith('\\')) {
            return `${result}\\`;
        }
        return result;
    });
}
// See https://github.com/nodejs/node/blob/d0153aee367422d0858105abec186da4dff0a0c5/deps/uv/include/uv/win.h#L691
const UV_FS_O_EXLOCK = 0x10000000;
const READONLY = external_fs_namespaceObject.constants.O_RDONLY;
function exists(fsPath) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        try {
            yield stat(fsPath);
        }
        catch (err) {
            if (err.code === 'ENOENT') {
                return false;
            }
            throw err;
        }
        return true;
    });
}
function isDirectory(fsPath_1) {
    return io_util_awaiter(this, arguments, void 0, function* (fsPath, useStat = false) {
        const stats = useStat ? yield stat(fsPath) : yield lstat(fsPath);
        return stats.isDirectory();
    });
}
/**
 * On OSX/Linux, true if path starts with '/'. On Windows, true for paths like:
 * \, \hello, \\hello\share, C:, and C:\hello (and corresponding alternate separator cases).
 */
function isRooted(p) {
    p = normalizeSeparators(p);
    if (!p) {
        throw new Error('isRooted() parameter "p" cannot be empty');
    }
    if (IS_WINDOWS) {
        return (p.startsWith('\\') || /^[A-Z]:/i.test(p) // e.g. \ or \hello or \\hello
        ); // e.g. C: or C:\hello
    }
    return p.startsWith('/');
}
/**
 * Best effort attempt to determine whether a file exists and is executable.
 * @param filePath    file path to check
 * @param extensions  additional file extensions to try
 * @return if file exists and is executable, returns the file path. otherwise empty string.
 */
function tryGetExecutablePath(filePath, extensions) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        let stats = undefined;
        try {
            // test file exists
            stats = yield stat(filePath);
        }
        catch (err) {
            if (err.code !== 'ENOENT') {
                // eslint-disable-next-line no-console
                console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
            }
        }
        if (stats && stats.isFile()) {
            if (IS_WINDOWS) {
                // on Windows, test for valid extension
                const upperExt = external_path_namespaceObject.extname(filePath).toUpperCase();
                if (extensions.some(validExt => validExt.toUpperCase() === upperExt)) {
                    return filePath;
                }
            }
            else {
                if (isUnixExecutable(stats)) {
                    return filePath;
                }
            }
        }
        // try each extension
        const originalFilePath = filePath;
        for (const extension of extensions) {
            filePath = originalFilePath + extension;
            stats = undefined;
            try {
                stats = yield stat(filePath);
            }
            catch (err) {
                if (err.code !== 'ENOENT') {
                    // eslint-disable-next-line no-console
                    console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
                }
            }
            if (stats && stats.isFile()) {
                if (IS_WINDOWS) {
                    // preserve the case of the actual file (since an extension was appended)
                    try {
                        const directory = external_path_namespaceObject.dirname(filePath);
                        const upperName = external_path_namespaceObject.basename(filePath).toUpperCase();
                        for (const actualName of yield readdir(directory)) {
                            if (upperName === actualName.toUpperCase()) {
                                filePath = external_path_namespaceObject.join(directory, actualName);
                                break;
                            }
                        }
                    }
                    catch (err) {
                        // eslint-disable-next-line no-console
                        console.log(`Unexpected error attempting to determine the actual case of the file '${filePath}': ${err}`);
                    }
                    return filePath;
                }
                else {
                    if (isUnixExecutable(stats)) {
                        return filePath;
                    }
                }
            }
        }
        return '';
    });
}
function normalizeSeparators(p) {
    p = p || '';
    if (IS_WINDOWS) {
        // convert slashes on Windows
        p = p.replace(/\//g, '\\');
        // remove redundant slashes
        return p.replace(/\\\\+/g, '\\');
    }
    // remove redundant slashes
    return p.replace(/\/\/+/g, '/');
}
// on Mac/Linux, test the execute bit
//     R   W  X  R  W X R W X
//   256 128 64 32 16 8 4 2 1
function isUnixExecutable(stats) {
    return ((stats.mode & 1) > 0 ||
        ((stats.mode & 8) > 0 &&
            process.getgid !== undefined &&
            stats.gid === process.getgid()) ||
        ((stats.mode & 64) > 0 &&
            process.getuid !== undefined &&
            stats.uid === process.getuid()));
}
// Get the path of cmd.exe in windows
function getCmdPath() {
    var _a;
    return (_a = process.env['COMSPEC']) !== null && _a !== void 0 ? _a : `cmd.exe`;
}
//# sourceMappingURL=io-util.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/io/lib/io.js
var io_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



/**
 * Copies a file or folder.
 * Based off of shelljs - https://github.com/shelljs/shelljs/blob/9237f66c52e5daa40458f94f9565e18e8132f5a6/src/cp.js
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See CopyOptions.
 */
function cp(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        const { force, recursive, copySourceDirectory } = readCopyOptions(options);
        const destStat = (yield ioUtil.exists(dest)) ? yield ioUtil.stat(dest) : null;
        // Dest is an existing file, but not forcing
        if (destStat && destStat.isFile() && !force) {
            return;
        }
        // If dest is an existing directory, should copy inside.
        const newDest = destStat && destStat.isDirectory() && copySourceDirectory
            ? path.join(dest, path.basename(source))
            : dest;
        if (!(yield ioUtil.exists(source))) {
            throw new Error(`no such file or directory: ${source}`);
        }
        const sourceStat = yield ioUtil.stat(source);
        if (sourceStat.isDirectory()) {
            if (!recursive) {
                throw new Error(`Failed to copy. ${source} is a directory, but tried to copy without recursive flag.`);
            }
            else {
                yield cpDirRecursive(source, newDest, 0, force);
            }
        }
        else {
            if (path.relative(source, newDest) === '') {
                // a file cannot be copied to itself
                throw new Error(`'${newDest}' and '${source}' are the same file`);
            }
            yield io_copyFile(source, newDest, force);
        }
    });
}
/**
 * Moves a path.
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See MoveOptions.
 */
function mv(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        if (yield ioUtil.exists(dest)) {
            let destExists = true;
            if (yield ioUtil.isDirectory(dest)) {
                // If dest is directory copy src into dest
                dest = path.join(dest, path.basename(source));
                destExists = yield ioUtil.exists(dest);
            }
            if (destExists) {
                if (options.force == null || options.force) {
                    yield rmRF(dest);
                }
                else {
                    throw new Error('Destination already exists');
                }
            }
        }
        yield mkdirP(path.dirname(dest));
        yield ioUtil.rename(source, dest);
    });
}
/**
 * Remove a path recursively with force
 *
 * @param inputPath path to remove
 */
function rmRF(inputPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (ioUtil.IS_WINDOWS) {
            // Check for invalid characters
            // https://docs.microsoft.com/en-us/windows/win32/fileio/naming-a-file
            if (/[*"<>|]/.test(inputPath)) {
                throw new Error('File path must not contain `*`, `"`, `<`, `>` or `|` on Windows');
            }
        }
        try {
            // note if path does not exist, error is silent
            yield ioUtil.rm(inputPath, {
                force: true,
                maxRetries: 3,
                recursive: true,
                retryDelay: 300
            });
        }
        catch (err) {
            throw new Error(`File was unable to be removed ${err}`);
        }
    });
}
/**
 * Make a directory.  Creates the full path with folders in between
 * Will throw if it fails
 *
 * @param   fsPath        path to create
 * @returns Promise<void>
 */
function mkdirP(fsPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        ok(fsPath, 'a path argument must be provided');
        yield ioUtil.mkdir(fsPath, { recursive: true });
    });
}
/**
 * Returns path of a tool had the tool actually been invoked.  Resolves via paths.
 * If you check and the tool does not exist, it will throw.
 *
 * @param     tool              name of the tool
 * @param     check             whether to check if tool exists
 * @returns   Promise<string>   path to tool
 */
function which(tool, check) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // recursive when check=true
        if (check) {
            const result = yield which(tool, false);
            if (!result) {
                if (IS_WINDOWS) {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also verify the file has a valid extension for an executable file.`);
                }
                else {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.`);
                }
            }
            return result;
        }
        const matches = yield findInPath(tool);
        if (matches && matches.length > 0) {
            return matches[0];
        }
        return '';
    });
}
/**
 * Returns a list of all occurrences of the given tool on the system path.
 *
 * @returns   Promise<string[]>  the paths of the tool
 */
function findInPath(tool) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // build the list of extensions to try
        const extensions = [];
        if (IS_WINDOWS && process.env['PATHEXT']) {
            for (const extension of process.env['PATHEXT'].split(external_path_namespaceObject.delimiter)) {
                if (extension) {
                    extensions.push(extension);
                }
            }
        }
        // if it's rooted, return it if exists. otherwise return empty.
        if (isRooted(tool)) {
            const filePath = yield tryGetExecutablePath(tool, extensions);
            if (filePath) {
                return [filePath];
            }
            return [];
        }
        // if any path separators, return empty
        if (tool.includes(external_path_namespaceObject.sep)) {
            return [];
        }
        // build the list of directories
        //
        // Note, technically "where" checks the current directory on Windows. From a toolkit perspective,
        // it feels like we should not do this. Checking the current directory seems like more of a use
        // case of a shell, and the which() function exposed by the toolkit should strive for consistency
        // across platforms.
        const directories = [];
        if (process.env.PATH) {
            for (const p of process.env.PATH.split(external_path_namespaceObject.delimiter)) {
                if (p) {
                    directories.push(p);
                }
            }
        }
        // find all matches
        const matches = [];
        for (const directory of directories) {
            const filePath = yield tryGetExecutablePath(external_path_namespaceObject.join(directory, tool), extensions);
            if (filePath) {
                matches.push(filePath);
            }
        }
        return matches;
    });
}
function readCopyOptions(options) {
    const force = options.force == null ? true : options.force;
    const recursive = Boolean(options.recursive);
    const copySourceDirectory = options.copySourceDirectory == null
        ? true
        : Boolean(options.copySourceDirectory);
    return { force, recursive, copySourceDirectory };
}
function cpDirRecursive(sourceDir, destDir, currentDepth, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        // Ensure there is not a run away recursive copy
        if (currentDepth >= 255)
            return;
        currentDepth++;
        yield mkdirP(destDir);
        const files = yield ioUtil.readdir(sourceDir);
        for (const fileName of files) {
            const srcFile = `${sourceDir}/${fileName}`;
            const destFile = `${destDir}/${fileName}`;
            const srcFileStat = yield ioUtil.lstat(srcFile);
            if (srcFileStat.isDirectory()) {
                // Recurse
                yield cpDirRecursive(srcFile, destFile, currentDepth, force);
            }
            else {
                yield io_copyFile(srcFile, destFile, force);
            }
        }
        // Change the mode for the newly created directory
        yield ioUtil.chmod(destDir, (yield ioUtil.stat(sourceDir)).mode);
    });
}
// Buffered file copy
function io_copyFile(srcFile, destFile, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        if ((yield ioUtil.lstat(srcFile)).isSymbolicLink()) {
            // unlink/re-link it
            try {
                yield ioUtil.lstat(destFile);
                yield ioUtil.unlink(destFile);
            }
            catch (e) {
                // Try to override file permission
                if (e.code === 'EPERM') {
                    yield ioUtil.chmod(destFile, '0666');
                    yield ioUtil.unlink(destFile);
                }
                // other errors = it doesn't exist, no work to do
            }
            // Copy over symlink
            const symlinkFull = yield ioUtil.readlink(srcFile);
            yield ioUtil.symlink(symlinkFull, destFile, ioUtil.IS_WINDOWS ? 'junction' : null);
        }
        else if (!(yield ioUtil.exists(destFile)) || force) {
            yield ioUtil.copyFile(srcFile, destFile);
        }
    });
}
//# sourceMappingURL=io.js.map
;// CONCATENATED MODULE: external "timers"
const external_timers_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/toolrunner.js
var toolrunner_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};







/* eslint-disable @typescript-eslint/unbound-method */
const toolrunner_IS_WINDOWS = process.platform === 'win32';
/*
 * Class for running command line tools. Handles quoting and arg parsing in a platform agnostic way.
 */
class ToolRunner extends external_events_.EventEmitter {
    constructor(toolPath, args, options) {
        super();
        if (!toolPath) {
            throw new Error("Parameter 'toolPath' cannot be null or empty.");
        }
        this.toolPath = toolPath;
        this.args = args || [];
        this.options = options || {};
    }
    _debug(message) {
        if (this.options.listeners && this.options.listeners.debug) {
            this.options.listeners.debug(message);
        }
    }
    _getCommandString(options, noPrefix) {
        const toolPath = this._getSpawnFileName();
        const args = this._getSpawnArgs(options);
        let cmd = noPrefix ? '' : '[command]'; // omit prefix when piped to a second tool
        if (toolrunner_IS_WINDOWS) {
            // Windows + cmd file
            if (this._isCmdFile()) {
                cmd += toolPath;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows + verbatim
            else if (options.windowsVerbatimArguments) {
                cmd += `"${toolPath}"`;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows (regular)
            else {
                cmd += this._windowsQuoteCmdArg(toolPath);
                for (const a of args) {
                    cmd += ` ${this._windowsQuoteCmdArg(a)}`;
                }
            }
        }
        else {
            // OSX/Linux - this can likely be improved with some form of quoting.
            // creating processes on Unix is fundamentally different than Windows.
            // on Unix, execvp() takes an arg array.
            cmd += toolPath;
            for (const a of args) {
                cmd += ` ${a}`;
            }
        }
        return cmd;
    }
    _processLineBuffer(data, strBuffer, onLine) {
        try {
            let s = strBuffer + data.toString();
            let n = s.indexOf(external_os_namespaceObject.EOL);
            while (n > -1) {
                const line = s.substring(0, n);
                onLine(line);
                // the rest of the string ...
                s = s.substring(n + external_os_namespaceObject.EOL.length);
                n = s.indexOf(external_os_namespaceObject.EOL);
            }
            return s;
        }
        catch (err) {
            // streaming lines to console is best effort.  Don't fail a build.
            this._debug(`error processing line. Failed with error ${err}`);
            return '';
        }
    }
    _getSpawnFileName() {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                return process.env['COMSPEC'] || 'cmd.exe';
            }
        }
        return this.toolPath;
    }
    _getSpawnArgs(options) {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                let argline = `/D /S /C "${this._windowsQuoteCmdArg(this.toolPath)}`;
                for (const a of this.args) {
                    argline += ' ';
                    argline += options.windowsVerbatimArguments
                        ? a
                        : this._windowsQuoteCmdArg(a);
                }
                argline += '"';
                return [argline];
            }
        }
        return this.args;
    }
    _endsWith(str, end) {
        return str.endsWith(end);
    }
    _isCmdFile() {
        const upperToolPath = this.toolPath.toUpperCase();
        return (this._endsWith(upperToolPath, '.CMD') ||
            this._endsWith(upperToolPath, '.BAT'));
    }
    _windowsQuoteCmdArg(arg) {
        // for .exe, apply the normal quoting rules that libuv applies
        if (!this._isCmdFile()) {
            return this._uvQuoteCmdArg(arg);
        }
        // otherwise apply quoting rules specific to the cmd.exe command line parser.
        // the libuv rules are generic and are not designed specifically for cmd.exe
        // command line parser.
        //
        // for a detailed description of the cmd.exe command line parser, refer to
        // http://stackoverflow.com/questions/4094699/how-does-the-windows-command-interpreter-cmd-exe-parse-scripts/7970912#7970912
        // need quotes for empty arg
        if (!arg) {
            return '""';
        }
        // determine whether the arg needs to be quoted
        const cmdSpecialChars = [
            ' ',
            '\t',
            '&',
            '(',
            ')',
            '[',
            ']',
            '{',
            '}',
            '^',
            '=',
            ';',
            '!',
            "'",
            '+',
            ',',
            '`',
            '~',
            '|',
            '<',
            '>',
            '"'
        ];
        let needsQuotes = false;
        for (const char of arg) {
            if (cmdSpecialChars.some(x => x === char)) {
                needsQuotes = true;
                break;
            }
        }
        // short-circuit if quotes not needed
        if (!needsQuotes) {
            return arg;
        }
        // the following quoting rules are very similar to the rules that by libuv applies.
        //
        // 1) wrap the string in quotes
        //
        // 2) double-up quotes - i.e. " => ""
        //
        //    this is different from the libuv quoting rules. libuv replaces " with \", which unfortunately
        //    doesn't work well with a cmd.exe command line.
        //
        //    note, replacing " with "" also works well if the arg is passed to a downstream .NET console app.
        //    for example, the command line:
        //          foo.exe "myarg:""my val"""
        //    is parsed by a .NET console app into an arg array:
        //          [ "myarg:\"my val\"" ]
        //    which is the same end result when applying libuv quoting rules. although the actual
        //    command line from libuv quoting rules would look like:
        //          foo.exe "myarg:\"my val\""
        //
        // 3) double-up slashes that precede a quote,
        //    e.g.  hello \world    => "hello \world"
        //          hello\"world    => "hello\\""world"
        //          hello\\"world   => "hello\\\\""world"
        //          hello world\    => "hello world\\"
        //
        //    technically this is not required for a cmd.exe command line, or the batch argument parser.
        //    the reasons for including this as a .cmd quoting rule are:
        //
        //    a) this is optimized for the scenario where the argument is passed from the .cmd file to an
        //       external program. many programs (e.g. .NET console apps) rely on the slash-doubling rule.
        //
        //    b) it's what we've been doing previously (by deferring to node default behavior) and we
        //       haven't heard any complaints about that aspect.
        //
        // note, a weakness of the quoting rules chosen here, is that % is not escaped. in fact, % cannot be
        // escaped when used on the command line directly - even though within a .cmd file % can be escaped
        // by using %%.
        //
        // the saving grace is, on the command line, %var% is left as-is if var is not defined. this contrasts
        // the line parsing rules within a .cmd file, where if var is not defined it is replaced with nothing.
        //
        // one option that was explored was replacing % with ^% - i.e. %var% => ^%var^%. this hack would
        // often work, since it is unlikely that var^ would exist, and the ^ character is removed when the
        // variable is used. the problem, however, is that ^ is not removed when %* is used to pass the args
        // to an external program.
        //
        // an unexplored potential solution for the % escaping problem, is to create a wrapper .cmd file.
        // % can be escaped within a .cmd file.
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\'; // double the slash
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '"'; // double the quote
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _uvQuoteCmdArg(arg) {
        // Tool runner wraps child_process.spawn() and needs to apply the same quoting as
        // Node in certain cases where the undocumented spawn option windowsVerbatimArguments
        // is used.
        //
        // Since this function is a port of quote_cmd_arg from Node 4.x (technically, lib UV,
        // see https://github.com/nodejs/node/blob/v4.x/deps/uv/src/win/process.c for details),
        // pasting copyright notice from Node within this function:
        //
        //      Copyright Joyent, Inc. and other Node contributors. All rights reserved.
        //
        //      Permission is hereby granted, free of charge, to any person obtaining a copy
        //      of this software and associated documentation files (the "Software"), to
        //      deal in the Software without restriction, including without limitation the
        //      rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
        //      sell copies of the Software, and to permit persons to whom the Software is
        //      furnished to do so, subject to the following conditions:
        //
        //      The above copyright notice and this permission notice shall be included in
        //      all copies or substantial portions of the Software.
        //
        //      THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
        //      IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
        //      FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
        //      AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
        //      LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
        //      FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
        //      IN THE SOFTWARE.
        if (!arg) {
            // Need double quotation for empty argument
            return '""';
        }
        if (!arg.includes(' ') && !arg.includes('\t') && !arg.includes('"')) {
            // No quotation needed
            return arg;
        }
        if (!arg.includes('"') && !arg.includes('\\')) {
            // No embedded double quotes or backslashes, so I can just wrap
            // quote marks around the whole thing.
            return `"${arg}"`;
        }
        // Expected input/output:
        //   input : hello"world
        //   output: "hello\"world"
        //   input : hello""world
        //   output: "hello\"\"world"
        //   input : hello\world
        //   output: hello\world
        //   input : hello\\world
        //   output: hello\\world
        //   input : hello\"world
        //   output: "hello\\\"world"
        //   input : hello\\"world
        //   output: "hello\\\\\"world"
        //   input : hello world\
        //   output: "hello world\\" - note the comment in libuv actually reads "hello world\"
        //                             but it appears the comment is wrong, it should be "hello world\\"
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\';
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '\\';
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _cloneExecOptions(options) {
        options = options || {};
        const result = {
            cwd: options.cwd || process.cwd(),
            env: options.env || process.env,
            silent: options.silent || false,
            windowsVerbatimArguments: options.windowsVerbatimArguments || false,
            failOnStdErr: options.failOnStdErr || false,
            ignoreReturnCode: options.ignoreReturnCode || false,
            delay: options.delay || 10000
        };
        result.outStream = options.outStream || process.stdout;
        result.errStream = options.errStream || process.stderr;
        return result;
    }
    _getSpawnOptions(options, toolPath) {
        options = options || {};
        const result = {};
        result.cwd = options.cwd;
        result.env = options.env;
        result['windowsVerbatimArguments'] =
            options.windowsVerbatimArguments || this._isCmdFile();
        if (options.windowsVerbatimArguments) {
            result.argv0 = `"${toolPath}"`;
        }
        return result;
    }
    /**
     * Exec a tool.
     * Output will be streamed to the live console.
     * Returns promise with return code
     *
     * @param     tool     path to tool to exec
     * @param     options  optional exec options.  See ExecOptions
     * @returns   number
     */
    exec() {
        return toolrunner_awaiter(this, void 0, void 0, function* () {
            // root the tool path if it is unrooted and contains relative pathing
            if (!isRooted(this.toolPath) &&
                (this.toolPath.includes('/') ||
                    (toolrunner_IS_WINDOWS && this.toolPath.includes('\\')))) {
                // prefer options.cwd if it is specified, however options.cwd may also need to be rooted
                this.toolPath = external_path_namespaceObject.resolve(process.cwd(), this.options.cwd || process.cwd(), this.toolPath);
            }
            // if the tool is only a file name, then resolve it from the PATH
            // otherwise verify it exists (add extension on Windows if necessary)
            this.toolPath = yield which(this.toolPath, true);
            return new Promise((resolve, reject) => toolrunner_awaiter(this, void 0, void 0, function* () {
                this._debug(`exec tool: ${this.toolPath}`);
                this._debug('arguments:');
                for (const arg of this.args) {
                    this._debug(`   ${arg}`);
                }
                const optionsNonNull = this._cloneExecOptions(this.options);
                if (!optionsNonNull.silent && optionsNonNull.outStream) {
                    optionsNonNull.outStream.write(this._getCommandString(optionsNonNull) + external_os_namespaceObject.EOL);
                }
                const state = new ExecState(optionsNonNull, this.toolPath);
                state.on('debug', (message) => {
                    this._debug(message);
                });
                if (this.options.cwd && !(yield exists(this.options.cwd))) {
                    return reject(new Error(`The cwd: ${this.options.cwd} does not exist!`));
                }
                const fileName = this._getSpawnFileName();
                const cp = external_child_process_namespaceObject.spawn(fileName, this._getSpawnArgs(optionsNonNull), this._getSpawnOptions(this.options, fileName));
                let stdbuffer = '';
                if (cp.stdout) {
                    cp.stdout.on('data', (data) => {
                        if (this.options.listeners && this.options.listeners.stdout) {
                            this.options.listeners.stdout(data);
                        }
                        if (!optionsNonNull.silent && optionsNonNull.outStream) {
                            optionsNonNull.outStream.write(data);
                        }
                        stdbuffer = this._processLineBuffer(data, stdbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.stdline) {
                                this.options.listeners.stdline(line);
                            }
                        });
                    });
                }
                let errbuffer = '';
                if (cp.stderr) {
                    cp.stderr.on('data', (data) => {
                        state.processStderr = true;
                        if (this.options.listeners && this.options.listeners.stderr) {
                            this.options.listeners.stderr(data);
                        }
                        if (!optionsNonNull.silent &&
                            optionsNonNull.errStream &&
                            optionsNonNull.outStream) {
                            const s = optionsNonNull.failOnStdErr
                                ? optionsNonNull.errStream
                                : optionsNonNull.outStream;
                            s.write(data);
                        }
                        errbuffer = this._processLineBuffer(data, errbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.errline) {
                                this.options.listeners.errline(line);
                            }
                        });
                    });
                }
                cp.on('error', (err) => {
                    state.processError = err.message;
                    state.processExited = true;
                    state.processClosed = true;
                    state.CheckComplete();
                });
                cp.on('exit', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    this._debug(`Exit code ${code} received from tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                cp.on('close', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    state.processClosed = true;
                    this._debug(`STDIO streams have closed for tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                state.on('done', (error, exitCode) => {
                    if (stdbuffer.length > 0) {
                        this.emit('stdline', stdbuffer);
                    }
                    if (errbuffer.length > 0) {
                        this.emit('errline', errbuffer);
                    }
                    cp.removeAllListeners();
                    if (error) {
                        reject(error);
                    }
                    else {
                        resolve(exitCode);
                    }
                });
                if (this.options.input) {
                    if (!cp.stdin) {
                        throw new Error('child process missing stdin');
                    }
                    cp.stdin.end(this.options.input);
                }
            }));
        });
    }
}
/**
 * Convert an arg string to an array of args. Handles escaping
 *
 * @param    argString   string of arguments
 * @returns  string[]    array of arguments
 */
function argStringToArray(argString) {
    const args = [];
    let inQuotes = false;
    let escaped = false;
    let arg = '';
    function append(c) {
        // we only escape double quotes.
        if (escaped && c !== '"') {
            arg += '\\';
        }
        arg += c;
        escaped = false;
    }
    for (let i = 0; i < argString.length; i++) {
        const c = argString.charAt(i);
        if (c === '"') {
            if (!escaped) {
                inQuotes = !inQuotes;
            }
            else {
                append(c);
            }
            continue;
        }
        if (c === '\\' && escaped) {
            append(c);
            continue;
        }
        if (c === '\\' && inQuotes) {
            escaped = true;
            continue;
        }
        if (c === ' ' && !inQuotes) {
            if (arg.length > 0) {
                args.push(arg);
                arg = '';
            }
            continue;
        }
        append(c);
    }
    if (arg.length > 0) {
        args.push(arg.trim());
    }
    return args;
}
class ExecState extends external_events_.EventEmitter {
    constructor(options, toolPath) {
        super();
        this.processClosed = false; // tracks whether the process has exited and stdio is closed
        this.processError = '';
        this.processExitCode = 0;
        this.processExited = false; // tracks whether the process has exited
        this.processStderr = false; // tracks whether stderr was written to
        this.delay = 10000; // 10 seconds
        this.done = false;
        this.timeout = null;
        if (!toolPath) {
            throw new Error('toolPath must not be empty');
        }
        this.options = options;
        this.toolPath = toolPath;
        if (options.delay) {
            this.delay = options.delay;
        }
    }
    CheckComplete() {
        if (this.done) {
            return;
        }
        if (this.processClosed) {
            this._setResult();
        }
        else if (this.processExited) {
            this.timeout = (0,external_timers_namespaceObject.setTimeout)(ExecState.HandleTimeout, this.delay, this);
        }
    }
    _debug(message) {
        this.emit('debug', message);
    }
    _setResult() {
        // determine whether there is an error
        let error;
        if (this.processExited) {
            if (this.processError) {
                error = new Error(`There was an error when attempting to execute the process '${this.toolPath}'. This may indicate the process failed to start. Error: ${this.processError}`);
            }
            else if (this.processExitCode !== 0 && !this.options.ignoreReturnCode) {
                error = new Error(`The process '${this.toolPath}' failed with exit code ${this.processExitCode}`);
            }
            else if (this.processStderr && this.options.failOnStdErr) {
                error = new Error(`The process '${this.toolPath}' failed because one or more lines were written to the STDERR stream`);
            }
        }
        // clear the timeout
        if (this.timeout) {
            clearTimeout(this.timeout);
            this.timeout = null;
        }
        this.done = true;
        this.emit('done', error, this.processExitCode);
    }
    static HandleTimeout(state) {
        if (state.done) {
            return;
        }
        if (!state.processClosed && state.processExited) {
            const message = `The STDIO streams did not close within ${state.delay / 1000} seconds of the exit event from process '${state.toolPath}'. This may indicate a child process inherited the STDIO streams and has not yet exited.`;
            state._debug(message);
        }
        state._setResult();
    }
}
//# sourceMappingURL=toolrunner.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/exec/lib/exec.js
var exec_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


/**
 * Exec a command.
 * Output will be streamed to the live console.
 * Returns promise with return code
 *
 * @param     commandLine        command to execute (can include additional args). Must be correctly escaped.
 * @param     args               optional arguments for tool. Escaping is handled by the lib.
 * @param     options            optional exec options.  See ExecOptions
 * @returns   Promise<number>    exit code
 */
function exec_exec(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        const commandArgs = tr.argStringToArray(commandLine);
        if (commandArgs.length === 0) {
            throw new Error(`Parameter 'commandLine' cannot be null or empty.`);
        }
        // Path to tool to execute should be first arg
        const toolPath = commandArgs[0];
        args = commandArgs.slice(1).concat(args || []);
        const runner = new tr.ToolRunner(toolPath, args, options);
        return runner.exec();
    });
}
/**
 * Exec a command and get the output.
 * Output will be streamed to the live console.
 * Returns promise with the exit code and collected stdout and stderr
 *
 * @param     commandLine           command to execute (can include additional args). Must be correctly escaped.
 * @param     args                  optional arguments for tool. Escaping is handled by the lib.
 * @param     options               optional exec options.  See ExecOptions
 * @returns   Promise<ExecOutput>   exit code, stdout, and stderr
 */
function getExecOutput(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        var _a, _b;
        let stdout = '';
        let stderr = '';
        //Using string decoder covers the case where a mult-byte character is split
        const stdoutDecoder = new StringDecoder('utf8');
        const stderrDecoder = new StringDecoder('utf8');
        const originalStdoutListener = (_a = options === null || options === void 0 ? void 0 : options.listeners) === null || _a === void 0 ? void 0 : _a.stdout;
        const originalStdErrListener = (_b = options === null || options === void 0 ? void 0 : options.listeners) === null || _b === void 0 ? void 0 : _b.stderr;
        const stdErrListener = (data) => {
            stderr += stderrDecoder.write(data);
            if (originalStdErrListener) {
                originalStdErrListener(data);
            }
        };
        const stdOutListener = (data) => {
            stdout += stdoutDecoder.write(data);
            if (originalStdoutListener) {
                originalStdoutListener(data);
            }
        };
        const listeners = Object.assign(Object.assign({}, options === null || options === void 0 ? void 0 : options.listeners), { stdout: stdOutListener, stderr: stdErrListener });
        const exitCode = yield exec_exec(commandLine, args, Object.assign(Object.assign({}, options), { listeners }));
        //flush any remaining characters
        stdout += stdoutDecoder.end();
        stderr += stderrDecoder.end();
        return {
            exitCode,
            stdout,
            stderr
        };
    });
}
//# sourceMappingURL=exec.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_namespaceObject.platform();
const arch = external_os_namespaceObject.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return file_command_issueFileCommand('OUTPUT', file_command_prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_namespaceObject.EOL);
    command_issueCommand('set-output', { name }, utils_toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    command_issueCommand('error', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function core_warning(message, properties = {}) {
    command_issueCommand('warning', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function core_info(message) {
    process.stdout.write(message + external_os_namespaceObject.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    command_issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    command_issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./src/errors.ts
// Error kinds: what went wrong, said for people, and what the retry policy should do about it.
/** Bad input: fails the step before any request. */
class InputError extends Error {
    constructor(input, problem, expected) {
        super(`Input '${input}' ${problem}: expected ${expected}.`);
        this.name = 'InputError';
    }
}
/** A failed request or download. Its message never holds a URL query string. */
class TransferError extends Error {
    retryable;
    retryAfterMs;
    refreshUrl;
    gone;
    stopAll;
    rateLimited;
    constructor(message, options = {}) {
        super(message);
        this.name = 'TransferError';
        this.retryable = options.retryable ?? false;
        this.retryAfterMs = options.retryAfterMs;
        this.refreshUrl = options.refreshUrl ?? false;
        this.gone = options.gone ?? false;
        this.stopAll = options.stopAll ?? false;
        this.rateLimited = options.rateLimited ?? false;
    }
}
/**
 * A lookup's 404 "Task Not Found" or 422 "record is null": not there yet, or not in this family,
 * or too old.
 */
class RecordMissingError extends TransferError {
    recordMissing = true;
    /** What kie.ai answered, for the final "not found" message: `404 "Task Not Found"`. */
    answer;
    constructor(message, answer = '422 "record is null"') {
        super(message);
        this.answer = answer;
    }
}
/** True for a lookup's 404 or 422 "record is null" (the watcher tolerates it for a grace period). */
function isRecordMissing(error) {
    // By field, not class, so a wrapper that copies the error's fields keeps the verdict.
    return error?.recordMissing === true;
}
/** A lookup's 408 or 501 in kie.ai's envelope: the task has ended without a result, for good. */
class TaskEndedError extends TransferError {
    taskEnded = true;
}
/** True for a lookup answer that ended its task (the watcher fails the task, it does not retry). */
function isTaskEnded(error) {
    return error?.taskEnded === true;
}
/** The run was cancelled (SIGINT/SIGTERM): whatever was under way stops, nothing is retried. */
class CancelledError extends Error {
    /** The signal that cancelled the run, when one did (SIGINT, SIGTERM). */
    signal;
    constructor(signal) {
        super('cancelled');
        this.name = 'CancelledError';
        this.signal = signal;
    }
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/constants.ts
// Names shared with action.yml: inputs, outputs and the files this action keeps in the destination.
/** Input names, exactly as action.yml declares them (defaults live only there). */
const Inputs = {
    ApiKey: 'api-key',
    Urls: 'urls',
    TaskIds: 'task-ids',
    UrlsFile: 'urls-file',
    TaskType: 'task-type',
    Wait: 'wait',
    Results: 'results',
    Endpoint: 'endpoint',
    BaseUrl: 'base-url',
    Path: 'path',
    Filename: 'filename',
    IfExists: 'if-exists',
    Concurrency: 'concurrency',
    Retries: 'retries',
    Timeout: 'timeout',
    Shard: 'shard',
    IfNoFilesFound: 'if-no-files-found',
    FailOnError: 'fail-on-error',
    Summary: 'summary'
};
/** Output names, exactly as action.yml declares them. */
const Outputs = {
    Paths: 'paths',
    Files: 'files',
    Count: 'count',
    Downloaded: 'downloaded',
    Failed: 'failed',
    Dir: 'dir',
    Tasks: 'tasks',
    Manifest: 'manifest'
};
/** Every `task-type` value (the kie.ai model families of task mode), in the order the README's table lists them. */
const FAMILY_NAMES = [
    'market',
    '4o-image',
    'flux-kontext',
    'veo',
    'runway',
    'aleph',
    'luma',
    'midjourney',
    'suno',
    'suno-wav',
    'suno-stems',
    'suno-mp4',
    'suno-cover'
];
/** The API paths of the two documented download-url endpoints. */
const EndpointPaths = {
    common: '/api/v1/common/download-url',
    'gpt4o-image': '/api/v1/gpt4o-image/download-url'
};
/** Hidden record of what earlier runs wrote, so `if-exists: skip` knows names whose extension came from Content-Type. */
const RECORD_FILE = '.kie-download.json';
/** Prefix of in-progress downloads; a leading dot keeps them apart from any sanitised name. */
const TEMP_PREFIX = '.kie-download-';
const USER_AGENT = 'kie-download-action/1.1 (+https://github.com/marketplace/actions/kie-ai-download)';

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: ./src/util/mime.ts
// A small MIME table for what kie.ai serves: file extension to Content-Type and back, without mime-db's start-up cost.
/*
 * mime-types evaluates mime-db's whole table (about 2,500 types) at load, 10-15 ms of the action's
 * start-up, to answer two questions about a few dozen media types. This table holds what kie.ai's
 * models produce (images, video, audio) and the data and archive files a workflow might fetch.
 * Every extension maps to the type mime-types gives it (__tests__/mime.test.ts checks that), so a
 * URL's extension counts as known exactly when it did before, for these. An extension outside the
 * table is left to the file's Content-Type, and a type outside it gives no extension: the name
 * then keeps what its URL had.
 */
/** Extension -> type. For each type, its first extension here is the one it gets back. */
const BY_EXTENSION = [
    // Images
    ['png', 'image/png'],
    ['jpg', 'image/jpeg'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['avif', 'image/avif'],
    ['heic', 'image/heic'],
    ['heif', 'image/heif'],
    ['jxl', 'image/jxl'],
    ['bmp', 'image/bmp'],
    ['tif', 'image/tiff'],
    ['tiff', 'image/tiff'],
    ['svg', 'image/svg+xml'],
    ['ico', 'image/vnd.microsoft.icon'],
    // Video
    ['mp4', 'video/mp4'],
    ['mov', 'video/quicktime'],
    ['webm', 'video/webm'],
    ['m4v', 'video/x-m4v'],
    ['mkv', 'video/x-matroska'],
    ['avi', 'video/x-msvideo'],
    ['mpeg', 'video/mpeg'],
    ['mpg', 'video/mpeg'],
    ['ogv', 'video/ogg'],
    ['3gp', 'video/3gpp'],
    ['wmv', 'video/x-ms-wmv'],
    ['flv', 'video/x-flv'],
    // Audio
    ['mp3', 'audio/mpeg'],
    ['wav', 'audio/wav'],
    ['ogg', 'audio/ogg'],
    ['oga', 'audio/ogg'],
    ['opus', 'audio/ogg'],
    ['m4a', 'audio/mp4'],
    ['aac', 'audio/aac'],
    ['flac', 'audio/x-flac'],
    ['weba', 'audio/webm'],
    ['aif', 'audio/x-aiff'],
    ['aiff', 'audio/x-aiff'],
    ['mid', 'audio/midi'],
    ['midi', 'audio/midi'],
    ['amr', 'audio/amr'],
    // 3D models
    ['glb', 'model/gltf-binary'],
    ['gltf', 'model/gltf+json'],
    ['obj', 'model/obj'],
    ['stl', 'model/stl'],
    ['usdz', 'model/vnd.usdz+zip'],
    ['fbx', 'application/vnd.autodesk.fbx'],
    // Text, data, documents, archives
    ['txt', 'text/plain'],
    ['json', 'application/json'],
    ['csv', 'text/csv'],
    ['md', 'text/markdown'],
    ['html', 'text/html'],
    ['htm', 'text/html'],
    ['xml', 'application/xml'],
    ['yaml', 'text/yaml'],
    ['yml', 'text/yaml'],
    ['srt', 'application/x-subrip'],
    ['vtt', 'text/vtt'],
    ['pdf', 'application/pdf'],
    ['zip', 'application/zip'],
    ['gz', 'application/gzip'],
    ['tar', 'application/x-tar'],
    ['7z', 'application/x-7z-compressed']
];
/** Types hosts send that the table above does not give, and the extension each means. */
const ALIASES = [
    ['image/jpg', 'jpg'],
    ['image/x-icon', 'ico'],
    ['audio/mp3', 'mp3'],
    ['audio/x-wav', 'wav'],
    ['audio/wave', 'wav'],
    ['audio/vnd.wave', 'wav'],
    ['audio/opus', 'opus'],
    ['audio/x-m4a', 'm4a'],
    ['audio/m4a', 'm4a'],
    ['audio/x-aac', 'aac'],
    ['audio/flac', 'flac'],
    ['application/x-zip-compressed', 'zip'],
    ['application/x-gzip', 'gz']
];
// Maps, not objects: `constructor` or `__proto__` must be unknown, not a prototype member.
const TYPES = new Map(BY_EXTENSION);
const EXTENSIONS = new Map();
for (const [ext, type] of BY_EXTENSION)
    if (!EXTENSIONS.has(type))
        EXTENSIONS.set(type, ext);
for (const [type, ext] of ALIASES)
    EXTENSIONS.set(type, ext);
/** The type of a path, a name or a bare extension (`a/b.PNG`, `.png`, `png`), or false; as mime-types' lookup. */
function lookup(pathOrExt) {
    const dot = pathOrExt.lastIndexOf('.');
    const slash = Math.max(pathOrExt.lastIndexOf('/'), pathOrExt.lastIndexOf('\\'));
    // As mime-types does: `png` alone is an extension, `dir/png` has none.
    if (dot <= slash && slash >= 0)
        return false;
    return TYPES.get(pathOrExt.slice(dot + 1).toLowerCase()) ?? false;
}
/** The extension (without a dot) for a Content-Type, parameters allowed, or false; as mime-types' extension. */
function extension(contentType) {
    const type = contentType.split(';')[0].trim().toLowerCase();
    return EXTENSIONS.get(type) ?? false;
}
/** Every extension the table knows (for tests and docs). */
const knownExtensions = () => [...TYPES.keys()];
/** Every type `extension()` answers (for tests and docs). */
const knownTypes = () => [...EXTENSIONS.keys()];

;// CONCATENATED MODULE: ./src/util/names.ts
// File names: safe, portable names from URLs and templates, extensions from Content-Type, and `-N` suffixes.


/** Longest name we write, in bytes: well under every common file system's 255. */
const MAX_NAME_BYTES = 200;
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
const TOKENS = ['name', 'stem', 'ext', 'index', 'n', 'taskId'];
/** Where the MIME table's first choice is not the extension people expect. */
const EXTENSION_OVERRIDES = {
    'audio/mpeg': '.mp3',
    'audio/mp3': '.mp3',
    'audio/ogg': '.ogg',
    'video/quicktime': '.mov',
    'application/octet-stream': '',
    'binary/octet-stream': ''
};
/** Percent-decodes what decodes; a malformed escape stays as written (its `%` becomes `_` later). */
function lenientDecode(text) {
    return text.replace(/(?:%[0-9a-f]{2})+/gi, run => {
        try {
            return decodeURIComponent(run);
        }
        catch {
            return run;
        }
    });
}
/**
 * One path segment made portable and harmless: decoded, only `[A-Za-z0-9._-]` kept (others become
 * `_`, so `/`, `\` and `..` can never climb out), no leading dot, no trailing dot, not a Windows
 * device name, at most 200 bytes. May return '' (the caller supplies a fallback).
 */
function sanitizeSegment(raw) {
    let name = lenientDecode(raw)
        .replace(/[^A-Za-z0-9._-]/gu, '_')
        .replace(/^\.+/, '')
        .replace(/\.+$/, '');
    if (RESERVED.test(name))
        name = `_${name}`;
    if (name.length > MAX_NAME_BYTES) {
        const ext = external_node_path_default().extname(name);
        const keep = ext.length <= 16 ? ext : '';
        name = (name.slice(0, MAX_NAME_BYTES - keep.length) + keep).replace(/\.+$/, '');
    }
    return name;
}
/** The stem and extension a file URL's last path segment gives. */
function nameFromUrl(url) {
    const segments = new URL(url).pathname.split('/').filter(s => s !== '');
    const name = sanitizeSegment(segments.at(-1) ?? '');
    const ext = external_node_path_default().extname(name);
    // Only an extension the MIME table knows counts: `<base64>` names and `file.v2` have none.
    if (ext && ext.length < name.length && lookup(ext)) {
        return { stem: name.slice(0, -ext.length), ext: ext.toLowerCase() };
    }
    return { stem: name, ext: '' };
}
/** `.mp3` for `audio/mpeg`, '' when the type says nothing useful. */
function extFromContentType(contentType) {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!type)
        return '';
    if (Object.hasOwn(EXTENSION_OVERRIDES, type))
        return EXTENSION_OVERRIDES[type];
    const ext = extension(type);
    return ext ? `.${ext}` : '';
}
/** The unknown `{token}`s of a template ([] when it is valid). */
function unknownTokens(template) {
    return [...template.matchAll(/\{([^{}]*)\}/g)]
        .map(m => m[1])
        .filter(t => !TOKENS.includes(t));
}
/**
 * The relative path (with `/`) a template gives: every segment rendered, then sanitised as a whole,
 * empty segments dropped, and a `file-{index}` fallback so the name is never empty.
 */
function renderName(template, parts) {
    const stem = parts.stem || `file-${parts.index}`;
    const values = {
        name: stem + parts.ext,
        stem,
        ext: parts.ext,
        index: String(parts.index),
        n: String(parts.n),
        taskId: sanitizeSegment(parts.taskId ?? '')
    };
    const segments = template
        .split('/')
        .map(segment => sanitizeSegment(segment.replace(/\{(\w+)\}/g, (_, t) => values[t])))
        .filter(s => s !== '');
    if (segments.length === 0)
        return `file-${parts.index}${parts.ext}`;
    return segments.join('/');
}
/** `a/b.png` with suffix 2 is `a/b-2.png`: the suffix goes before the extension of the last segment. */
function withSuffix(relPath, n, ext) {
    const slash = relPath.lastIndexOf('/');
    const dir = relPath.slice(0, slash + 1);
    const base = relPath.slice(slash + 1);
    const cut = ext && base.toLowerCase().endsWith(ext.toLowerCase()) ? ext.length : external_node_path_default().extname(base).length;
    const stem = base.slice(0, base.length - cut);
    const tail = base.slice(base.length - cut);
    const suffix = `-${n}`;
    return dir + stem.slice(0, MAX_NAME_BYTES - suffix.length - tail.length) + suffix + tail;
}
/** Where a template puts the file's extension: not at all, only at its very end, or before its end. */
function extPlacement(template) {
    const uses = template.match(/\{(?:name|ext)\}/g) ?? [];
    if (uses.length === 0)
        return 'none';
    return uses.length === 1 && /\{(?:name|ext)\}$/.test(template) ? 'end' : 'inside';
}
/**
 * The longest base of a name whose extension is not known yet: with a `-N` suffix and the longest
 * extension added it still fits in MAX_NAME_BYTES, so the base is never cut again once the
 * extension is known.
 */
const MAX_OPEN_BASE_BYTES = MAX_NAME_BYTES - 24;

;// CONCATENATED MODULE: ./src/util/safe-text.ts
// Keeps secrets and untrusted text inert: masks signed URLs, strips query strings, defuses log and HTML text.

const MIN_SECRET_LENGTH = 8;
/** Presigned (SigV4) query parameters that are secrets: the signature differs per URL, the rest are shared. */
const SIGNATURE_PARAM = /[?&]X-Amz-Signature=([^&#]+)/i;
const SHARED_PARAMS = /[?&]X-Amz-(?:Credential|Security-Token)=([^&#]+)/gi;
/** Shared credentials already registered this run: the runner checks every later line against every mask. */
const registered = new Set();
/**
 * What scrub() replaces. `phrases` (the API key in its forms, shared credentials: a handful) are
 * found wherever they stand; `words` (one signature per signed URL: thousands) are found as whole
 * words, one set lookup per word of the text, so scrubbing costs the same whatever their number.
 */
const phrases = new Set();
const words = new Set();
/** A word as scrub() looks words up: the characters of keys, hex and base64(url), percent escapes; `=` ends one. */
const WORD = /[A-Za-z0-9%._~+/-]{8,}/g;
/**
 * Registers what makes a signed URL a bearer credential with the runner's masker: its signature
 * (one mask per URL), and the credential and session token it shares with every other URL of the
 * run, once each, as written and decoded. Without its signature a presigned URL opens nothing, so
 * the whole URL need not be a mask of its own: the runner checks every later log line against every
 * mask, a cost that grows with the number of masks. A URL signed some other way has its whole query
 * masked.
 */
function maskSignedUrl(url) {
    const signature = SIGNATURE_PARAM.exec(url)?.[1];
    if (signature) {
        mask(signature);
        addWord(signature);
    }
    else {
        const query = /\?([^#]*)/.exec(url)?.[1];
        if (query) {
            mask(query);
            for (const pair of query.split('&'))
                addWord(pair.slice(pair.indexOf('=') + 1));
        }
    }
    for (const [, value] of url.matchAll(SHARED_PARAMS)) {
        if (registered.has(value))
            continue;
        registered.add(value);
        mask(value);
        mask(safe_text_lenientDecode(value));
        addPhrase(value);
        addPhrase(safe_text_lenientDecode(value));
    }
}
/**
 * Registers the API key with scrub() as written, URL-encoded, and as the base64 of its
 * `Authorization` header value (`Bearer <key>`), the forms a server could echo it in. The runner's
 * own mask (core.setSecret) covers the log only; scrub() keeps it out of files too.
 */
function scrubKey(key) {
    addPhrase(key);
    addPhrase(encodeURIComponent(key));
    addPhrase(Buffer.from(`Bearer ${key}`).toString('base64'));
}
/**
 * Text from kie.ai or a file host (a `msg`, a `failMsg`, an error body) with the API key and every
 * signature registered this run replaced by `***`, the runner's own mark. Applied where such text
 * enters the run, before it can reach a result, an output, the manifest, the record or the summary.
 */
function scrub(text) {
    let out = text;
    for (const phrase of phrases)
        if (out.includes(phrase))
            out = out.replaceAll(phrase, '***');
    if (words.size === 0)
        return out;
    return out.replace(WORD, word => (words.has(word) ? '***' : word));
}
/** Forgets what this run registered: each run (step) tells the runner, and scrub(), afresh. */
function startMasking() {
    registered.clear();
    phrases.clear();
    words.clear();
}
function addPhrase(secret) {
    if (secret.length >= MIN_SECRET_LENGTH)
        phrases.add(secret);
}
/** A word as WORD finds it: both the value as written and decoded, padding (`=`) left off. */
function addWord(secret) {
    for (const form of new Set([secret, safe_text_lenientDecode(secret)])) {
        const word = form.replace(/=+$/, '');
        if (word.length >= MIN_SECRET_LENGTH)
            words.add(word);
    }
}
function mask(secret) {
    // A very short value (`?v=1`) would blank out ordinary words all over the log.
    if (secret.length >= MIN_SECRET_LENGTH)
        core_setSecret(secret);
}
function safe_text_lenientDecode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
/** A URL for people: scheme, host and path, never the query string or fragment (they carry signatures). */
function redactUrl(url) {
    try {
        const u = new URL(url);
        const hidden = u.search || u.hash ? '?…' : '';
        return `${u.protocol}//${u.host}${u.pathname}${hidden}`;
    }
    catch {
        // Not a URL: keep only what stands before any query-like part.
        return url.split(/[?#]/)[0] + (/[?#]/.test(url) ? '?…' : '');
    }
}
/**
 * Replaces every query string inside free text (e.g. an error from an HTTP layer) with `?…`: a `?`
 * that ends a URL or path and is followed by more, or that starts `key=value` pairs. A question mark
 * in a sentence ("Is the URL right?") is left alone.
 */
function stripQueries(text) {
    // Most text has no `?` at all: no need to run the pattern over it.
    if (!text.includes('?'))
        return text;
    return text.replace(/(\S*\/[^\s?]*|)\?([^\s"'<>)]*)/g, (whole, before, query) => (before && query) || /^[^\s=&]+=/.test(query) ? `${before}?…` : whole);
}
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** True when text holds a control character or a line break: what oneLine() would flatten. */
function hasControlChars(text) {
    return CONTROL_CHAR.test(text);
}
/**
 * Untrusted text (kie.ai's `msg`, names from URLs) made safe for one log line: no line breaks or
 * control characters, so it can never start a `::workflow-command::` line, and bounded in length.
 */
function oneLine(text, max = 300) {
    const flat = stripQueries(text)
        .replace(CONTROL_CHARS, ' ')
        // The runner also obeys the old `##[command]` form anywhere in a line.
        .replace(/##\[/g, '## [')
        .trim();
    // The runner trims leading white space before it looks for `::`, so a space would not do.
    const safe = flat.startsWith('::') ? `:\u200b${flat.slice(1)}` : flat;
    return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}
/** Escapes text for the HTML job summary: nothing from outside is ever raw markup. */
function escapeHtml(text) {
    return text.replace(/[&<>"'`|]/g, c => `&#${c.charCodeAt(0)};`);
}

;// CONCATENATED MODULE: ./src/inputs/entry-list.ts
// Parses the lists of `urls`, `urls-file` and `task-ids` (plain lines or a JSON array) into listed items.



/** Task IDs longer than this are not kie.ai's (theirs are about 32 characters); it also caps echoes. */
const MAX_TASK_ID = 200;
/** What a failed `jq -r .data.taskId` (or its Python or JavaScript peers) leaves in place of an ID. */
const NO_ID_WORDS = new Set(['null', 'undefined', 'none']);
const URL_FORM = 'an absolute http(s) URL without user or password, e.g. https://tempfile.aiquickdraw.com/v/abc.png';
const entry_list_TYPES = `one of ${FAMILY_NAMES.join(', ')}`;
/** `on line 3` or `in item 2`: where in its own list an item stands. */
function place(origin, at) {
    return `${origin.form === 'line' ? 'on' : 'in'} ${origin.form} ${at}`;
}
/** `on line 3 of 'urls'`: where an item stands, for errors about another input. */
function placeOf(item) {
    return `${place(item.origin, item.at)} of '${item.origin.input}'`;
}
/**
 * The entries of `urls` or `urls-file`: URLs separated by newlines and/or commas (blank lines and
 * `#` comment lines skipped), or a JSON array of URL strings, `{"url", "taskId"}` objects and
 * `{"taskId", "type"}` task objects.
 */
function parseEntryList(text, input, quote) {
    return readList(text, input, quote, (value, origin, at) => ({
        kind: 'url',
        url: checkUrl(value, origin.input, quoted(origin, value), place(origin, at)),
        taskId: null,
        origin,
        at
    }), jsonEntry);
}
/** The IDs of `task-ids`: separated by newlines and/or commas, or a JSON array of strings and `{"taskId", "type"}` objects. */
function parseTaskIds(text, input) {
    return readList(text, input, true, (value, origin, at) => ({ taskId: checkTaskId(value, origin, at), type: null, origin, at }), jsonTaskId);
}
function readList(text, input, quote, plain, json) {
    const start = text.search(/\S/);
    if (start === -1)
        return [];
    if (text[start] !== '[')
        return readPlain(text, { input, form: 'line', quote }, plain);
    let items;
    try {
        // Text that starts with `[` and parses is always an array: no other shape can come back.
        items = JSON.parse(text);
    }
    catch (error) {
        throw new InputError(input, 
        // V8 quotes the text around the error, maybe part of a signed URL or a secret: position only.
        `is not valid JSON${jsonPosition(text, error)}`, 'a JSON array of URL strings, {"url": "...", "taskId": "..."} objects or {"taskId": "...", "type": "..."} tasks');
    }
    const origin = { input, form: 'item', quote };
    const out = [];
    for (let i = 0; i < items.length; i++)
        out.push(json(items[i], origin, i + 1));
    return out;
}
/** One pass over the lines: linear in the text, with no array of lines held beside the result. */
function readPlain(text, origin, plain) {
    const out = [];
    const breaks = /\r\n?|\n/g;
    let line = 0;
    let from = 0;
    while (from <= text.length) {
        const found = breaks.exec(text);
        const to = found ? found.index : text.length;
        line++;
        const content = text.slice(from, to).trim();
        if (content !== '' && !content.startsWith('#')) {
            for (const part of content.split(',')) {
                const value = part.trim();
                if (value !== '')
                    out.push(plain(value, origin, line));
            }
        }
        if (!found)
            break;
        from = breaks.lastIndex;
    }
    return out;
}
function jsonEntry(item, origin, at) {
    const where = place(origin, at);
    const expected = 'a URL string, an object {"url": "...", "taskId": "..."} or a task {"taskId": "...", "type": "..."}';
    if (typeof item === 'string') {
        return {
            kind: 'url',
            url: checkUrl(item.trim(), origin.input, quoted(origin, item), where),
            taskId: null,
            origin,
            at
        };
    }
    const record = jsonObject(item, origin, at, ['url', 'taskId', 'type'], expected);
    const taskId = jsonTaskIdField(record, origin, at, expected);
    if (record.url === undefined) {
        if (taskId === null && 'taskId' in record)
            throw noTaskId(origin, at, 'an empty "taskId"');
        if (taskId === null) {
            throw new InputError(origin.input, `has neither a "url" nor a "taskId" ${where}`, expected);
        }
        return { kind: 'task', taskId, type: jsonType(record, origin, at), origin, at };
    }
    if (typeof record.url !== 'string') {
        throw new InputError(origin.input, `has a "url" that is not a string ${where}`, expected);
    }
    if (record.type !== undefined) {
        throw new InputError(origin.input, `has a "type" beside a "url" ${where}`, 'a "type" only in a task item, one without "url" (a URL is downloaded as it is)');
    }
    return {
        kind: 'url',
        url: checkUrl(record.url.trim(), origin.input, quoted(origin, record.url), where),
        taskId,
        origin,
        at
    };
}
function jsonTaskId(item, origin, at) {
    const expected = 'a task ID string or an object {"taskId": "...", "type": "..."}';
    if (typeof item === 'string') {
        if (item.trim() === '')
            throw noTaskId(origin, at, 'an empty task ID');
        return { taskId: checkTaskId(item.trim(), origin, at), type: null, origin, at };
    }
    if (item === null)
        throw noTaskId(origin, at, 'null');
    const record = jsonObject(item, origin, at, ['taskId', 'type'], expected);
    const taskId = jsonTaskIdField(record, origin, at, expected);
    if (taskId === null && 'taskId' in record)
        throw noTaskId(origin, at, 'an empty "taskId"');
    if (taskId === null) {
        throw new InputError(origin.input, `has no "taskId" ${place(origin, at)}`, expected);
    }
    return { taskId, type: jsonType(record, origin, at), origin, at };
}
function jsonObject(item, origin, at, keys, expected) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        const what = item === null ? 'null' : Array.isArray(item) ? 'an array' : `a ${typeof item}`;
        throw new InputError(origin.input, `has ${what} as item ${at}`, expected);
    }
    const record = item;
    for (const key of Object.keys(record)) {
        if (!keys.includes(key)) {
            const name = origin.quote ? ` "${oneLine(key, 40)}"` : '';
            throw new InputError(origin.input, `has an unknown key${name} ${place(origin, at)}`, expected);
        }
    }
    return record;
}
/** The `taskId` of a JSON object: a checked ID, or null when it is absent or blank. */
function jsonTaskIdField(record, origin, at, expected) {
    const value = record.taskId ?? null;
    if (value === null)
        return null;
    if (typeof value !== 'string') {
        throw new InputError(origin.input, `has a "taskId" that is not a string ${place(origin, at)}`, expected);
    }
    const trimmed = value.trim();
    return trimmed === '' ? null : checkTaskId(trimmed, origin, at);
}
function jsonType(record, origin, at) {
    const value = record.type ?? null;
    if (value === null)
        return null;
    if (typeof value === 'string' && FAMILY_NAMES.includes(value)) {
        return value;
    }
    const shown = origin.quote && typeof value === 'string' ? ` "${oneLine(value, 40)}"` : '';
    throw new InputError(origin.input, `has an unknown task type${shown} ${place(origin, at)}`, entry_list_TYPES);
}
/**
 * A task ID that is not one: what a generation step that failed hands on (`null` from
 * `jq -r .data.taskId`, an empty string, a JSON null). Said before any request is made.
 */
function noTaskId(origin, at, what) {
    return new InputError(origin.input, `has ${what} as the task ID ${place(origin, at)}, so the generation step that made it probably failed`, "the taskId of kie.ai's answer to the generation call; check that step's answer (its code and msg)");
}
function checkTaskId(id, origin, at) {
    const where = place(origin, at);
    const expected = `a task ID such as task12345, at most ${MAX_TASK_ID} characters`;
    if (NO_ID_WORDS.has(id.toLowerCase())) {
        throw noTaskId(origin, at, origin.quote ? `"${id}"` : 'null, undefined or None');
    }
    // A line break would be harmless in JSON but confusing everywhere else; control characters never belong.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(id)) {
        throw new InputError(origin.input, `has a task ID with a control character or line break ${where}`, expected);
    }
    if (/\s/.test(id)) {
        throw new InputError(origin.input, `has a task ID with a space inside ${where}`, 'one task ID per line or between commas');
    }
    if (id.length > MAX_TASK_ID) {
        throw new InputError(origin.input, `has a task ID of ${id.length} characters ${where}`, expected);
    }
    return id;
}
/** The value to show in an error: redacted and capped, or nothing when its list may not be quoted. */
function quoted(origin, value) {
    return origin.quote ? value : undefined;
}
/**
 * An absolute http(s) URL without credentials. `shown` is the text an error may quote (redacted,
 * capped), undefined when nothing may be quoted; `where` says where it stands in its list.
 */
function checkUrl(value, input, shown, where) {
    const at = where ? ` ${where}` : '';
    let url;
    try {
        url = new URL(value);
    }
    catch {
        const text = shown === undefined ? '' : ` "${oneLine(redactUrl(shown.trim()), 200)}"`;
        throw new InputError(input, `has an invalid URL${text}${at}`, URL_FORM);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        const scheme = shown === undefined ? 'another scheme than http(s)' : `scheme "${oneLine(url.protocol, 40)}"`;
        throw new InputError(input, `has a URL with ${scheme}${at}`, URL_FORM);
    }
    if (url.username || url.password) {
        const host = shown === undefined ? '' : ` (${oneLine(url.host, 100)})`;
        throw new InputError(input, `has a URL with credentials${host}${at}`, URL_FORM);
    }
    return url.href;
}
/** ` (line 2, column 5)` from V8's `position N`, counted in the whole text; '' when it gives none. */
function jsonPosition(text, error) {
    const match = /position (\d+)/.exec(error.message);
    if (!match)
        return '';
    const position = Number(match[1]);
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
        line++;
        lineStart = i + 1;
    }
    return ` (line ${line}, column ${position - lineStart + 1})`;
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
var external_node_os_default = /*#__PURE__*/__nccwpck_require__.n(external_node_os_namespaceObject);
;// CONCATENATED MODULE: ./src/inputs/settings.ts
// Reads the single-value inputs (choices, numbers, booleans, paths, shard), each checked with its name.






/** A bad value as quoted in an error: one line, at most 40 characters. */
function shown(value) {
    return `"${oneLine(value, 40)}"`;
}
/**
 * Refuses an input meant to hold one line when it holds a control character or a line break: a
 * `path` with a line break would start a workflow command in the log and break the `dir` output.
 */
function refuseControlChars(name) {
    const value = getInput(name);
    if (hasControlChars(value)) {
        throw new InputError(name, `is ${shown(value)}, with a control character or line break in it`, 'one line of text');
    }
}
/** True for a host name that is this machine: 127.0.0.0/8, ::1 or localhost (as URL gives them). */
function isLoopback(hostname) {
    return /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]' || hostname === 'localhost';
}
function oneOf(name, allowed) {
    const value = getInput(name);
    if (!allowed.includes(value)) {
        throw new InputError(name, `is ${shown(value)}`, `one of ${allowed.join(', ')}`);
    }
    return value;
}
function integer(name, min, max) {
    const value = getInput(name);
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
        throw new InputError(name, `is ${shown(value)}`, `a whole number from ${min} to ${max}`);
    }
    return n;
}
/** Seconds as a plain decimal number within bounds; `allowZero` for waits that may be skipped. */
function seconds(name, max, allowZero = false) {
    const value = getInput(name);
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || (n === 0 && !allowZero) || n > max) {
        throw new InputError(name, `is ${shown(value)}`, allowZero
            ? `a number of seconds from 0 to ${max}`
            : `a number of seconds above 0 and at most ${max}`);
    }
    return n;
}
/** `true`/`false` as YAML 1.2 spells them (core.getBooleanInput), with an error naming the input. */
function settings_boolean(name) {
    try {
        return getBooleanInput(name);
    }
    catch {
        // getBooleanInput's own TypeError does not read as a sentence; say it the way the others do.
        throw new InputError(name, `is ${shown(getInput(name))}`, 'true or false');
    }
}
/**
 * The destination folder: a leading `~` is the home folder (as actions/download-artifact does it),
 * a relative path is below the workspace.
 */
function destination(name, workspace) {
    // Checked here too, not only with the other inputs: the `dir` output of a failed step reads it.
    refuseControlChars(name);
    const value = getInput(name);
    if (!value)
        throw new InputError(name, 'is empty', 'a folder, e.g. kie-downloads');
    const home = process.platform === 'win32' ? /^~(?=$|[\\/])/ : /^~(?=$|\/)/;
    return external_node_path_default().resolve(workspace, value.replace(home, () => external_node_os_default().homedir()));
}
/** `I/N` with 1 <= I <= N, or null when empty. */
function parseShard(name) {
    const value = getInput(name);
    if (!value)
        return null;
    const m = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
    const index = Number(m?.[1]);
    const total = Number(m?.[2]);
    if (!m || total < 1 || total > 1000 || index < 1 || index > total) {
        throw new InputError(name, `is ${shown(value)}`, 'I/N with 1 <= I <= N <= 1000, e.g. 2/4, or empty');
    }
    return { index, total };
}
/**
 * Whether an entry belongs to a shard, by a hash of its key (the URL, or the task ID of a task):
 * the split is stable across runs and runners, every entry lands in exactly one shard, and an
 * entry listed twice stays in one shard.
 */
function inShard(key, shard) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(key).digest().readUInt32BE(0) % shard.total === shard.index - 1;
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/inputs/urls-file.ts
// Reads `urls-file` as hostile input: a regular file inside the workspace, bounded, never a pipe or a device.





/** The largest `urls-file` read: about 400,000 signed URLs, far past any real list. */
const MAX_URLS_FILE_BYTES = 64 * 1024 * 1024;
const EXPECTED = 'the path of a regular file inside the workspace, relative to it';
/**
 * The text of `urls-file`. It must resolve, symlinks followed, to a regular file inside the
 * workspace of at most 64 MiB: a committed symlink to a secret elsewhere, a FIFO (which would hang
 * the read) or `/dev/zero` (which never ends) is refused before a byte is read. Errors quote the
 * path as given, never the file's content or where a symlink points.
 */
function readUrlsFile(workspace, file) {
    const refuse = (problem, expected = EXPECTED) => new InputError(Inputs.UrlsFile, `is "${oneLine(file, 200)}", which ${problem}`, expected);
    const root = realpathOrSelf(workspace);
    let real;
    let checked;
    try {
        real = external_node_fs_namespaceObject.realpathSync.native(external_node_path_default().resolve(workspace, file));
        if (!isInside(root, real))
            throw refuse('leads outside the workspace');
        checked = (0,external_node_fs_namespaceObject.statSync)(real);
    }
    catch (error) {
        throw error instanceof InputError ? error : refuse(openProblem(error));
    }
    const kind = notRegular(checked);
    if (kind)
        throw refuse(kind);
    if (checked.size > MAX_URLS_FILE_BYTES)
        throw refuse('is larger than 64 MiB', tooBig());
    // The path was checked above; the handle is checked again, so a file swapped in between cannot
    // hang the read (O_NONBLOCK: opening a FIFO returns at once) or lead anywhere else.
    let fd;
    try {
        // Windows has neither flag (nor FIFOs or symlinks swapped under a path the same way).
        fd = (0,external_node_fs_namespaceObject.openSync)(real, external_node_fs_namespaceObject.constants.O_RDONLY | (external_node_fs_namespaceObject.constants.O_NONBLOCK ?? 0) | (external_node_fs_namespaceObject.constants.O_NOFOLLOW ?? 0));
    }
    catch (error) {
        throw refuse(openProblem(error));
    }
    try {
        const opened = (0,external_node_fs_namespaceObject.fstatSync)(fd);
        const openedKind = notRegular(opened);
        if (openedKind)
            throw refuse(openedKind);
        if (opened.dev !== checked.dev || opened.ino !== checked.ino) {
            throw refuse('was replaced while it was being opened', 'a file that stays put during the run');
        }
        return decode(readAll(fd, opened.size, refuse), refuse);
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/** Reads at most the size seen plus one byte: a file still growing is refused, not followed forever. */
function readAll(fd, size, refuse) {
    const buffer = Buffer.alloc(Math.min(size, MAX_URLS_FILE_BYTES) + 1);
    let filled = 0;
    for (;;) {
        const n = (0,external_node_fs_namespaceObject.readSync)(fd, buffer, filled, buffer.length - filled, null);
        if (n === 0)
            break;
        filled += n;
        if (filled === buffer.length) {
            throw filled > MAX_URLS_FILE_BYTES
                ? refuse('is larger than 64 MiB', tooBig())
                : refuse('grew while it was being read', 'a file that is complete before the step starts');
        }
    }
    return buffer.subarray(0, filled);
}
function decode(bytes, refuse) {
    try {
        // A leading byte order mark is dropped; anything that is not UTF-8 is not a list of URLs.
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
    catch {
        throw refuse('is not UTF-8 text', 'a text file of URLs or a JSON array, in UTF-8');
    }
}
function tooBig() {
    return 'a file of at most 64 MiB (split a longer list across steps)';
}
/** Why a path cannot be used, from the error of realpath, stat or open. */
function openProblem(error) {
    const code = error.code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
        return 'does not exist';
    if (code === 'ELOOP')
        return 'is a symlink loop or was replaced by a symlink';
    return `cannot be read (${oneLine(String(code ?? 'unknown error'), 40)})`;
}
/** What a file that is not a regular file is, said for people; null for a regular file. */
function notRegular(stats) {
    if (stats.isFile())
        return null;
    if (stats.isDirectory())
        return 'is a folder, not a file';
    if (stats.isFIFO())
        return 'is a named pipe (FIFO), not a regular file';
    if (stats.isCharacterDevice() || stats.isBlockDevice())
        return 'is a device, not a regular file';
    if (stats.isSocket())
        return 'is a socket, not a regular file';
    return 'is not a regular file';
}
function realpathOrSelf(dir) {
    try {
        return external_node_fs_namespaceObject.realpathSync.native(dir);
    }
    catch {
        return external_node_path_default().resolve(dir);
    }
}
/** Whether a resolved path is the folder or below it (path.relative folds case on Windows). */
function isInside(root, target) {
    const relative = external_node_path_default().relative(root, target);
    return (relative === '' ||
        (relative !== '..' && !relative.startsWith(`..${(external_node_path_default()).sep}`) && !external_node_path_default().isAbsolute(relative)));
}

;// CONCATENATED MODULE: ./src/inputs/inputs.ts
// Reads and validates every input once, into one typed settings object; nothing else reads inputs.










/** The longest `wait`: GitHub stops a job after 6 hours anyway. */
const MAX_WAIT_SECONDS = 21_600;
const inputs_TYPES = `one of ${FAMILY_NAMES.join(', ')}`;
/** Inputs that hold lists over several lines; every other input holds one line (the key has its own check). */
const MULTI_LINE = new Set([Inputs.ApiKey, Inputs.Urls, Inputs.TaskIds]);
/** Reads all inputs. Throws InputError, naming the input, before any request is made. */
function getInputs() {
    const apiKey = getInput(Inputs.ApiKey, { required: true });
    // Masked before anything else can print it, even when it is about to be rejected; scrubbed from
    // whatever kie.ai or a file host says back, before that reaches a file.
    core_setSecret(apiKey);
    scrubKey(apiKey);
    if (!apiKey) {
        throw new InputError(Inputs.ApiKey, 'is empty', 'a kie.ai API key, e.g. ${{ secrets.KIE_API_KEY }}');
    }
    if (/\s/.test(apiKey)) {
        throw new InputError(Inputs.ApiKey, 'contains whitespace or a line break', 'the key alone, as kie.ai shows it');
    }
    for (const name of Object.values(Inputs))
        if (!MULTI_LINE.has(name))
            refuseControlChars(name);
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const filename = getInput(Inputs.Filename);
    const unknown = unknownTokens(filename);
    if (!filename.trim() || unknown.length > 0) {
        throw new InputError(Inputs.Filename, unknown.length ? `has an unknown token {${oneToken(unknown[0])}}` : 'is empty', 'a template using {name}, {stem}, {ext} (with its dot, e.g. .png), {index}, {n} or {taskId}');
    }
    const shard = parseShard(Inputs.Shard);
    const { entries, given } = readEntries(workspace, shard, filename);
    const own = entries.reduce((n, e) => n + (e.foreign ? 0 : 1), 0);
    return {
        apiKey,
        entries,
        shard,
        empty: own > 0 ? null : emptyList(given, entries.length),
        ifNoFilesFound: oneOf(Inputs.IfNoFilesFound, ['warn', 'error', 'ignore']),
        summary: oneOf(Inputs.Summary, ['full', 'failures', 'off']),
        baseUrl: checkBaseUrl(getInput(Inputs.BaseUrl)),
        dir: destination(Inputs.Path, workspace),
        filename,
        ifExists: oneOf(Inputs.IfExists, ['overwrite', 'skip', 'fail']),
        concurrency: integer(Inputs.Concurrency, 1, 32),
        retries: integer(Inputs.Retries, 0, 10),
        timeoutMs: seconds(Inputs.Timeout, 3600) * 1000,
        waitMs: seconds(Inputs.Wait, MAX_WAIT_SECONDS, true) * 1000,
        results: oneOf(Inputs.Results, ['main', 'all']),
        failOnError: settings_boolean(Inputs.FailOnError)
    };
}
/** The destination for the outputs of a run that stopped at an input error: '' when `path` itself is bad. */
function destinationOrEmpty() {
    try {
        return destination(Inputs.Path, process.env.GITHUB_WORKSPACE || process.cwd());
    }
    catch {
        return '';
    }
}
/**
 * Every entry in input order: `urls`, then `urls-file`, then the tasks of `task-ids`; `index`
 * counts over that whole list. With `shard`, other shards' entries are marked `foreign`.
 */
function readEntries(workspace, shard, filename) {
    const given = [];
    // Untrimmed, so that line numbers in errors are those of the value as written. (getMultilineInput
    // would drop blank lines, and with them the numbering, and would split a JSON array.)
    const urlsText = getInput(Inputs.Urls, { trimWhitespace: false });
    if (urlsText.trim())
        given.push(Inputs.Urls);
    const listed = parseEntryList(urlsText, Inputs.Urls, true);
    const urlsFile = getInput(Inputs.UrlsFile);
    if (urlsFile) {
        given.push(Inputs.UrlsFile);
        // A loop, not push(...spread): 200,000 arguments would overflow the stack.
        for (const item of parseEntryList(readUrlsFile(workspace, urlsFile), Inputs.UrlsFile, false)) {
            listed.push(item);
        }
    }
    const idsText = getInput(Inputs.TaskIds, { trimWhitespace: false });
    if (idsText.trim())
        given.push(Inputs.TaskIds);
    const ids = parseTaskIds(idsText, Inputs.TaskIds);
    const endpoint = oneOf(Inputs.Endpoint, ['auto', 'common', 'gpt4o-image']);
    const taskType = readTaskType();
    // With a type (task-type, or an item's own), task IDs are tasks to download, beside any URLs;
    // without one, and with URLs listed, they label those URLs for the gpt4o-image endpoint.
    const areTasks = taskType !== null || ids.some(id => id.type !== null);
    const urlCount = listed.reduce((n, item) => n + (item.kind === 'url' ? 1 : 0), 0);
    const pairedIds = urlCount > 0 && !areTasks ? pairTaskIds(urlCount, ids) : null;
    if (pairedIds === null) {
        for (const id of ids)
            listed.push({ kind: 'task', ...id });
    }
    if (shard)
        checkShardable(listed, filename, shard);
    const entries = [];
    let urlIndex = 0;
    for (const item of listed) {
        const index = entries.length + 1;
        let entry;
        if (item.kind === 'url') {
            const taskId = item.taskId ?? pairedIds?.[urlIndex] ?? null;
            urlIndex++;
            entry = urlEntry(item, index, taskId, endpoint);
        }
        else {
            entry = taskEntry(item, index, taskType, endpoint);
        }
        if (shard && !inShard(shardKey(entry), shard))
            entry.foreign = true;
        entries.push(entry);
    }
    return { entries, given };
}
/**
 * Every shard names every entry from the whole list, so that merging the shards' folders gives
 * the names of an unsharded run. Refused where a shard could not know what a name depends on.
 */
function checkShardable(listed, filename, shard) {
    const task = listed.find(item => item.kind === 'task');
    if (task) {
        throw new InputError(Inputs.Shard, `is "${shard.index}/${shard.total}", but the list holds a task (${placeOf(task)})`, "file URLs only: a task's files are known only to the shard that runs it, so the other shards could not name the files after it (give each job its own task IDs and path instead)");
    }
    if (extPlacement(filename) !== 'inside')
        return;
    const open = listed.find(item => item.kind === 'url' && nameFromUrl(item.url).ext === '');
    if (open) {
        throw new InputError(Inputs.Filename, `has {name} or {ext} before its end, but with 'shard' set the list holds a URL without an extension (${placeOf(open)})`, "{name} or {ext} only at the end, as in {index}-{name}: that URL's extension comes from its Content-Type, which only its own shard sees");
    }
}
/** Why nothing is to be downloaded: nothing given, nothing listed, or nothing in this shard. */
function emptyList(given, total) {
    const kind = given.length === 0 ? 'none-given' : total === 0 ? 'no-entries' : 'shard';
    const file = given.includes(Inputs.UrlsFile) ? getInput(Inputs.UrlsFile) : null;
    return { kind, inputs: given, file, total };
}
function urlEntry(item, index, taskId, endpoint) {
    const chosen = endpoint === 'auto' ? (taskId ? 'gpt4o-image' : 'common') : endpoint;
    if (chosen === 'gpt4o-image' && !taskId) {
        throw new InputError(Inputs.TaskIds, `has no task ID for the URL ${placeOf(item)}`, `a task ID for every URL when '${Inputs.Endpoint}' is gpt4o-image`);
    }
    return { kind: 'url', index, url: item.url, taskId, endpoint: chosen };
}
function taskEntry(item, index, taskType, endpoint) {
    const type = item.type ?? taskType;
    if (type === null) {
        throw new InputError(Inputs.TaskType, `is empty, but the task ${placeOf(item)} has no type of its own`, inputs_TYPES);
    }
    if (endpoint === 'gpt4o-image' && type !== '4o-image') {
        throw new InputError(Inputs.Endpoint, `is gpt4o-image, but the task ${placeOf(item)} is a ${type} task`, 'auto or common: only 4o-image results resolve through gpt4o-image');
    }
    const chosen = endpoint !== 'common' && type === '4o-image' ? 'gpt4o-image' : 'common';
    return { kind: 'task', index, taskId: item.taskId, type, endpoint: chosen };
}
/** Task IDs without a type label the URLs: all (one ID), by position (one per URL), or none. */
function pairTaskIds(urlCount, ids) {
    if (ids.length <= 1)
        return Array.from({ length: urlCount }, () => ids[0]?.taskId ?? null);
    if (ids.length === urlCount)
        return ids.map(id => id.taskId);
    throw new InputError(Inputs.TaskIds, `has ${ids.length} IDs for ${urlCount} URLs`, 'none, one for every URL, or exactly one per URL in the same order (or, with task-type set, tasks to download)');
}
function readTaskType() {
    const value = getInput(Inputs.TaskType);
    if (value === '')
        return null;
    if (!FAMILY_NAMES.includes(value)) {
        throw new InputError(Inputs.TaskType, `is ${shown(value)}`, `${inputs_TYPES}, or empty`);
    }
    return value;
}
/** What a shard splits by: the URL of a file, the task ID of a task. */
function shardKey(entry) {
    return entry.kind === 'url' ? entry.url : `task:${entry.taskId}`;
}
/** An http(s) API root; plain http only to this machine, as the key goes with every call. */
function checkBaseUrl(value) {
    const url = new URL(checkUrl(value, Inputs.BaseUrl, value));
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
        throw new InputError(Inputs.BaseUrl, `is ${shown(value)}: plain http would send the API key unencrypted to ${oneToken(url.host)}`, 'an https:// URL (http:// only for 127.0.0.1, ::1 or localhost, e.g. a local test server)');
    }
    return url.href.replace(/\/+$/, '');
}
function oneToken(token) {
    return shown(token).slice(1, -1);
}

;// CONCATENATED MODULE: ./src/report/format.ts
// Small wording helpers shared by the log, the outputs and the summary: sizes, times, IDs, sources, totals.


function formatBytes(bytes) {
    if (bytes < 1024)
        return `${Math.round(bytes)} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
}
/** "0.4 s", "1 min 20 s", "2 h 5 min": a person reads a wait, not a number of milliseconds. */
function formatDuration(ms) {
    const s = Math.max(0, ms) / 1000;
    if (s < 60)
        return `${s.toFixed(1)} s`;
    const whole = Math.round(s);
    if (whole < 3600)
        return `${Math.floor(whole / 60)} min ${whole % 60} s`;
    return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}
/** "market task 281e5b0e…": the family and the whole task ID, so that it can be copied. */
function taskLabel(family, taskId) {
    return `${family ? `${family} ` : ''}task ${oneLine(taskId, 200)}`;
}
/**
 * Text cut to `max` characters at a word, with an ellipsis: an annotation that ends mid-word reads
 * as a typo. A single word longer than most of the room is cut where the room ends.
 */
function clip(text, max) {
    if (text.length <= max)
        return text;
    const room = text.slice(0, max - 1);
    const space = room.search(/\s\S*$/);
    const cut = space >= max * 0.6 ? room.slice(0, space) : room;
    return `${cut.replace(/[\s,;:.]+$/, '')}…`;
}
/** The URL with no query string and no `?…` marker: what the `files` output and the manifest carry. */
function bareUrl(url) {
    return redactUrl(url).replace(/\?…$/, '');
}
/** Shortens in the middle, where a long name is least telling: both ends stay readable. */
function middle(text, max) {
    if (text.length <= max)
        return text;
    const head = Math.ceil((max - 1) / 2);
    return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}
/** `host/…/last-segment` for a table cell: the host says where, the last segment says which. */
function shortSource(url, max = 60) {
    const bare = oneLine(bareUrl(url), 2000);
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)(\/.*)?$/i.exec(bare);
    if (!m)
        return middle(bare, max);
    const host = oneLine(m[1], 40);
    const segments = (m[2] ?? '').split('/').filter(Boolean);
    const whole = [host, ...segments].join('/');
    if (whole.length <= max)
        return whole;
    const prefix = segments.length > 1 ? `${host}/…/` : `${host}/`;
    return `${prefix}${middle(segments.at(-1) ?? '', Math.max(12, max - prefix.length))}`;
}
/** The destination as people know it: relative to the workspace, never the runner's absolute path. */
function displayDir(dir) {
    const workspace = process.env.GITHUB_WORKSPACE;
    if (workspace) {
        const rel = external_node_path_default().relative(workspace, dir);
        if (rel === '')
            return './';
        if (!rel.startsWith('..') && !external_node_path_default().isAbsolute(rel))
            return `${rel.split((external_node_path_default()).sep).join('/')}/`;
    }
    const home = process.env.HOME;
    if (home && (dir === home || dir.startsWith(home + (external_node_path_default()).sep))) {
        return `~/${external_node_path_default().relative(home, dir).split((external_node_path_default()).sep).join('/')}`.replace(/\/?$/, '/');
    }
    // Outside the workspace: the last folder names it well enough without the runner's layout.
    return `…/${external_node_path_default().basename(dir)}/`;
}
/** The words for an entry the run's stop kept from arriving: its error in `files`, `tasks` and the manifest. */
const STOPPED_WORDS = {
    'not-started': 'not started',
    cancelled: 'cancelled'
};
/** An entry's error as people and later steps read it: its own, or what the run's stop did to it. */
function errorText(r) {
    return r.stoppedBy ? STOPPED_WORDS[r.stoppedBy] : r.error;
}
/** Entries that repeat an earlier entry's URL (fetched once for all), by position. */
function repeats(files) {
    const first = new Map();
    const out = new Map();
    for (const f of files) {
        if (f.sameAs !== undefined)
            out.set(f.index, f.sameAs);
        else if (f.url !== null && f.family === null) {
            const earlier = first.get(f.url);
            if (earlier !== undefined)
                out.set(f.index, earlier);
            else
                first.set(f.url, f.index);
        }
    }
    return out;
}
/** A task's row in `files` when it yielded no file: its reason stands for the task. */
function isTaskRow(f) {
    return f.url === null && f.family !== null;
}
/** Each task once: a task listed again (same ID, same family) was looked up and fetched once. */
function distinctTasks(tasks) {
    const seen = new Set();
    return tasks.filter(t => {
        const key = `${t.type}\n${t.taskId}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
function totals(run) {
    const again = repeats(run.files);
    const tasks = distinctTasks(run.tasks);
    const t = {
        entries: 0,
        downloaded: 0,
        skipped: 0,
        failed: 0,
        notStarted: 0,
        cancelled: 0,
        bytes: 0,
        tasks: tasks.length,
        tasksFailed: 0,
        tasksTimedOut: 0,
        tasksNotStarted: 0,
        tasksCancelled: 0
    };
    for (const f of run.files) {
        if (again.has(f.index) || isTaskRow(f))
            continue;
        t.entries++;
        if (f.status === 'downloaded') {
            t.downloaded++;
            t.bytes += f.bytes ?? 0;
        }
        else if (f.status === 'skipped')
            t.skipped++;
        else if (f.stoppedBy === 'not-started')
            t.notStarted++;
        else if (f.stoppedBy === 'cancelled')
            t.cancelled++;
        else
            t.failed++;
    }
    for (const task of tasks) {
        if (task.state === 'timeout')
            t.tasksTimedOut++;
        else if (task.state !== 'failed')
            continue;
        else if (task.stoppedBy === 'not-started')
            t.tasksNotStarted++;
        else if (task.stoppedBy === 'cancelled')
            t.tasksCancelled++;
        else
            t.tasksFailed++;
    }
    return t;
}
/** Files that did not arrive, and tasks that yielded no file, for whatever reason. */
function unfinished(t) {
    return {
        files: t.failed + t.notStarted + t.cancelled,
        tasks: t.tasksFailed + t.tasksTimedOut + t.tasksNotStarted + t.tasksCancelled
    };
}
/**
 * "4 files downloaded, 1 skipped; 1 task failed": files, then (when some yielded nothing) tasks,
 * each count said only when it is not zero (files downloaded always).
 */
function countsText(t) {
    const files = [`${plural(t.downloaded, 'file')} downloaded`];
    if (t.skipped)
        files.push(`${t.skipped} skipped`);
    if (t.failed)
        files.push(`${t.failed} failed`);
    if (t.notStarted)
        files.push(`${t.notStarted} not started`);
    if (t.cancelled)
        files.push(`${t.cancelled} cancelled`);
    const tasks = [
        [t.tasksFailed, 'failed'],
        [t.tasksTimedOut, 'timed out'],
        [t.tasksNotStarted, 'not started'],
        [t.tasksCancelled, 'cancelled']
    ]
        .filter(([n]) => n)
        .map(([n, what], i) => (i === 0 ? `${plural(n, 'task')} ${what}` : `${n} ${what}`));
    return tasks.length ? `${files.join(', ')}; ${tasks.join(', ')}` : files.join(', ');
}
/** "48.0 MiB in 9.2 s (5.2 MiB/s)". */
function volumeText(t, elapsedMs) {
    const seconds = elapsedMs / 1000;
    if (t.bytes === 0)
        return `nothing transferred in ${formatDuration(elapsedMs)}`;
    const rate = seconds > 0 ? ` (${formatBytes(t.bytes / seconds)}/s)` : '';
    return `${formatBytes(t.bytes)} in ${formatDuration(elapsedMs)}${rate}`;
}
const STATE_WORDS = {
    success: 'succeeded',
    failed: 'failed',
    timeout: 'timed out',
    skipped: 'skipped'
};
function stateWord(state) {
    return STATE_WORDS[state];
}
/** "3 tasks: 2 succeeded, 1 timed out". */
function tasksText(listed) {
    const tasks = distinctTasks(listed);
    const parts = Object.keys(STATE_WORDS).flatMap(state => {
        const n = tasks.filter(t => t.state === state).length;
        return n ? [`${n} ${STATE_WORDS[state]}`] : [];
    });
    return `${tasks.length} task${tasks.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
function plural(n, word, many = `${word}s`) {
    return `${n} ${n === 1 ? word : many}`;
}
/** "shard 2/4: 25 of 100 entries". */
function shardText(shard, own, total) {
    return `shard ${shard.index}/${shard.total}: ${own} of ${plural(total, 'entry', 'entries')}`;
}
/** Why there is nothing to download, naming where the list came from. */
function nothingText(empty, shard) {
    const names = empty.inputs.map(name => name === 'urls-file' && empty.file ? `'${name}' (${oneLine(empty.file, 200)})` : `'${name}'`);
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
    switch (empty.kind) {
        case 'none-given':
            return "Nothing to download: 'urls', 'urls-file' and 'task-ids' are all empty.";
        case 'no-entries':
            return `Nothing to download: ${list} ${names.length > 1 ? 'list' : 'lists'} no file URL and no task (only blank lines, # comments or an empty array).`;
        case 'shard':
            return `Nothing to download: ${shard ? `shard ${shard.index}/${shard.total}` : 'this shard'} got none of the ${plural(empty.total, 'entry', 'entries')} of ${list}.`;
    }
}

;// CONCATENATED MODULE: ./src/report/log.ts
// The step log as a person reads it on GitHub's page: a header, one line per file as it lands, totals.



/** Tasks named one by one in a waiting line; the rest are counted. */
const WAITING_SHOWN = 5;
/**
 * Up to this many files, each file that arrives (or is skipped) has its line as it lands. Past it,
 * those lines are kept and written at the end in one collapsed group, so that failures, task lines
 * and totals stay readable; a line every 30 s says how far the run is.
 */
const FILE_LINES_SHOWN = 200;
/** File names longer than this are shortened in the middle: the task ID after them stays whole. */
const NAME_SHOWN = 100;
/** The reason logStopped gave this run, so the file that met it does not say it again. */
let stopReason = null;
/** The lines of files that arrived, kept for the group once the run has more than FILE_LINES_SHOWN files. */
const fileLines = { known: 0, landed: 0, grouped: false, kept: [] };
/** "Downloading 12 files and the results of 3 tasks into kie-downloads/". */
function logStart(info) {
    stopReason = null;
    fileLines.known = 0;
    fileLines.landed = 0;
    fileLines.grouped = false;
    fileLines.kept = [];
    logMoreFiles(info.files);
    const what = [
        info.files ? plural(info.files, 'file') : '',
        info.tasks ? `the results of ${plural(info.tasks, 'task')}` : ''
    ].filter(Boolean);
    const where = displayDir(info.dir);
    core_info(what.length
        ? `Downloading ${what.join(' and ')} into ${where}`
        : `Nothing to download into ${where}`);
}
/** Files a task gave, once it succeeded: past FILE_LINES_SHOWN in all, arrivals are grouped. */
function logMoreFiles(n) {
    fileLines.known += n;
    if (fileLines.known > FILE_LINES_SHOWN)
        fileLines.grouped = true;
}
/** A line about one file that arrived: at once, or kept for the group in a big run. */
function fileLine(line) {
    if (fileLines.grouped)
        fileLines.kept.push(line);
    else
        core_info(line);
}
/** "shard 2/4: 25 of 100 entries": the log's first line in a sharded run. */
function logShard(text) {
    core_info(text);
}
/** About every 30 s in a big run, whose file lines wait for the end: how far it is. */
function logLanded() {
    if (!fileLines.grouped || fileLines.kept.length === 0)
        return;
    core_info(`… ${fileLines.landed} of ${plural(fileLines.known, 'file')} done so far`);
}
/**
 * One line as a file lands, outside any group so the page shows it while the step runs. Entries a
 * stop kept from starting stay quiet (logStopped said why once), and so does a task's "no file"
 * row (logTask said what became of the task).
 */
function logFile(r) {
    if (r.status === 'failed' && r.stoppedBy)
        return;
    if (r.url === null && r.family !== null)
        return;
    fileLines.landed++;
    const name = middle(oneLine(r.name ?? (r.url ? redactUrl(r.url) : `#${r.index}`), 500), NAME_SHOWN);
    const task = r.family && r.taskId ? `  ${taskLabel(r.family, r.taskId)}` : '';
    if (r.status === 'failed') {
        // Files whose answer stopped the run (the calls under way) point at the stop line instead of repeating it.
        const why = r.error !== null && r.error === stopReason ? 'stopped the run (see above)' : r.error;
        core_info(`✖ ${name}: ${oneLine(why ?? 'failed')}${task}`);
        return;
    }
    const facts = [
        r.bytes === null ? '' : formatBytes(r.bytes),
        r.contentType ? oneLine(r.contentType, 60) : ''
    ].filter(Boolean);
    const how = r.sameAs !== undefined
        ? `same URL as #${r.sameAs}, fetched once`
        : r.status === 'skipped'
            ? 'already there, skipped'
            : formatDuration(r.ms);
    const mark = r.status === 'downloaded' && r.sameAs === undefined ? '✔' : '↷';
    fileLine(`${mark} ${[name, ...facts, how].join('  ')}${task}`);
}
/** One line when a task settles: family, whole ID, state, number of files, time taken. */
function logTask(t) {
    const label = taskLabel(t.type, t.taskId);
    const took = formatDuration(t.ms);
    switch (t.state) {
        case 'success':
            core_info(`◆ ${label} succeeded in ${took}: ${plural(t.files, 'file')}`);
            break;
        case 'skipped':
            core_info(`↷ ${label}: its files are already there, not looked up`);
            break;
        default: {
            const error = errorText(t);
            core_info(`✖ ${label} ${stateWord(t.state)} after ${took}${error ? `: ${oneLine(error)}` : ''}`);
        }
    }
}
/** A task listed more than once, said at the start: its entries share one lookup and its files. */
function logRepeatedTask(type, taskId, entries) {
    const shown = entries.slice(0, WAITING_SHOWN).join(', ') + (entries.length > WAITING_SHOWN ? ', …' : '');
    core_info(`↷ ${taskLabel(type, taskId)} is listed ${entries.length} times (entries ${shown}): looked up and downloaded once`);
}
/** kie.ai reports progress as "0.48" (a fraction) or "48" (a percentage), or not at all. */
function progressWord(progress) {
    if (progress === null || progress.trim() === '')
        return '';
    const n = Number(progress);
    if (!Number.isFinite(n) || n < 0)
        return ` ${oneLine(progress, 20)}`;
    return ` ${Math.round(n <= 1 ? n * 100 : Math.min(n, 100))}%`;
}
/** About every 30 s while tasks run: which, in what state, for how long. */
function logWaiting(running) {
    if (running.length === 0)
        return;
    const shown = running
        .slice(0, WAITING_SHOWN)
        .map(r => `${taskLabel(oneLine(r.type, 30), r.taskId)} ${oneLine(r.status, 30) || 'pending'}` +
        `${progressWord(r.progress)} (${formatDuration(r.sinceMs)})`);
    const more = running.length > WAITING_SHOWN ? `, and ${running.length - WAITING_SHOWN} more` : '';
    core_info(`⏳ Waiting for ${plural(running.length, 'task')}: ${shown.join(', ')}${more}`);
}
/** Under the file's line: what failed, and when the next attempt comes. */
function logRetry(label, n) {
    // A file's detail: in a big run it goes into the group with the file lines.
    fileLine(`  ↻ ${oneLine(label, 200)}: ${oneLine(n.reason)}; retry ${n.retry} of ${n.of} in ${formatDuration(n.waitMs)}`);
}
/** Under a long download: how far it is, and how fast. */
function logProgress(label, p) {
    const rate = p.bytes / Math.max(p.elapsedMs / 1000, 0.001);
    const percent = p.total ? `${Math.floor((p.bytes / p.total) * 100)}% ` : '';
    const of = p.total ? ` of ${formatBytes(p.total)}` : '';
    core_info(`  … ${oneLine(label, 200)}: ${percent}(${formatBytes(p.bytes)}${of}, ${formatBytes(rate)}/s)`);
}
/** Said once: why nothing more starts. The step's one error repeats it at the end. */
function logStopped(reason) {
    stopReason = reason;
    core_info(`■ Stopped: ${oneLine(reason)}. Nothing more will start.`);
}
/**
 * The closing lines: a big run's file lines in one collapsed group, then the totals, e.g.
 * "12 files downloaded, 3 skipped, 1 failed · 48.0 MiB in 9.2 s (5.2 MiB/s)".
 */
function logTotals(run) {
    const kept = fileLines.kept;
    fileLines.kept = [];
    if (kept.length > 0) {
        startGroup(`Files that arrived or were already there (${kept.length} lines)`);
        for (const line of kept)
            core_info(line);
        endGroup();
    }
    const t = totals(run);
    core_info(`${countsText(t)} · ${volumeText(t, run.elapsedMs)}`);
}
/** Details for whoever turns on debug logging: where each file went, its hash, its source. */
function logDetails(run) {
    // The runner hides ::debug:: lines unless debug logging is on: do not write 10,000 of them for nothing.
    if (!isDebug())
        return;
    for (const f of run.files) {
        if (f.status === 'failed' && f.path === null && f.stoppedBy)
            continue;
        const fields = [
            `#${f.index}`,
            f.url ? redactUrl(f.url) : '(no file)',
            f.taskId ? `task=${oneLine(f.taskId, 80)}${f.extra ? ' (extra)' : ''}` : '',
            `status=${f.status}`,
            f.path ? `path=${oneLine(f.path, 500)}` : '',
            f.sha256 ? `sha256=${f.sha256}` : '',
            f.sameAs !== undefined ? `sameAs=#${f.sameAs}` : ''
        ];
        core_debug(fields.filter(Boolean).join(' '));
    }
    for (const t of run.tasks) {
        core_debug(`task ${oneLine(t.taskId, 80)} type=${t.type} state=${t.state} files=${t.files} ms=${t.ms}`);
    }
}

;// CONCATENATED MODULE: ./src/util/clock.ts
// The run's clock: time, sleeps and randomness in one place, so tests can run the same code on virtual time.

const realClock = {
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(new CancelledError());
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(new CancelledError());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
    random: Math.random,
    now: Date.now
};

;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");
;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
var external_node_v8_default = /*#__PURE__*/__nccwpck_require__.n(external_node_v8_namespaceObject);
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
var external_node_vm_default = /*#__PURE__*/__nccwpck_require__.n(external_node_vm_namespaceObject);
;// CONCATENATED MODULE: ./src/util/memory.ts
// Keeps memory flat for big batches and big files: a small young generation, and a minor GC every few MiB streamed.


/**
 * Every chunk a socket reads is a fresh Buffer whose memory V8 returns only after a GC. At
 * hundreds of MiB/s, tens of MiB of chunks already written out pile up before V8 collects
 * (measured with `npm run bench -- --scenario big`: 1 GiB peaks at ~145 MiB RSS without this,
 * ~90 MiB with it). A minor GC of a small young generation takes well under a millisecond; one
 * every 2 MiB costs no measurable throughput.
 */
const RELEASE_EVERY_BYTES = 2 * 1024 * 1024;
let gc = null;
let sinceLast = 0;
/**
 * Called once at start. The runner starts `node dist/index.js` without flags, so the tuning is
 * done here: V8 otherwise grows the young generation to 64 MiB for this process's many short-lived
 * request objects, of which under 2 MiB survive (1,000 files peaked at ~150 MiB RSS, ~113 MiB
 * with a young generation kept at its initial size, at the same wall time).
 *
 * Kept after the start-up work of issue 13 because it still pays for itself, measured on bundles
 * built with and without it (`npm run bench -- --scenario big|many|start --dist ...`, 2-core machine):
 * the 1 GiB file peaks at 82-84 MiB RSS with it and 111-112 MiB without (the target is 100 MiB),
 * 10,000 small files at 255-261 MiB with it and 376-394 MiB without, at the same wall time;
 * its own cost at start is 3-4 ms (flags ~2.5 ms, the `gc` context ~1.2 ms), below the start-up
 * scenario's noise (86-91 ms with it, 95 ms without).
 *
 * Safe when refused: V8 ignores a flag it does not know (with a line on stderr, no exception),
 * and if `gc` was not exposed its lookup throws, leaving `gc` null; streamed() then does nothing
 * and memory is left to V8's defaults.
 */
function tuneHeap() {
    try {
        external_node_v8_default().setFlagsFromString('--semi-space-growth-factor=1');
        external_node_v8_default().setFlagsFromString('--expose-gc');
        gc = external_node_vm_default().runInNewContext('gc');
    }
    catch {
        gc = null;
    }
}
/** Counts streamed bytes (across all downloads) and runs a minor GC every RELEASE_EVERY_BYTES. */
function streamed(bytes) {
    sinceLast += bytes;
    if (sinceLast < RELEASE_EVERY_BYTES)
        return;
    sinceLast = 0;
    gc?.({ type: 'minor' });
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
var external_node_http_default = /*#__PURE__*/__nccwpck_require__.n(external_node_http_namespaceObject);
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
var external_node_https_default = /*#__PURE__*/__nccwpck_require__.n(external_node_https_namespaceObject);
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./src/util/retry.ts
// The one retry policy for API calls and downloads: which failures to retry, how long to wait, and the log line.


/** Waits are drawn from [0, min(cap, base * 2^attempt)] ("full jitter"). */
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
/** A Retry-After longer than this is not trusted (a misconfigured proxy should not park a job for hours). */
const MAX_RETRY_AFTER_MS = 120_000;
/** HTTP statuses worth another attempt. Every other 4xx and the rest of 5xx (e.g. 505) are final. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/**
 * kie.ai body codes worth another attempt: rate limited, maintenance, server error, and a
 * gateway's 502-504 passed on in the body. Its 408 (no result for 10 minutes) and 501
 * (generation failed) are final, whatever the HTTP status says.
 */
const RETRYABLE_KIE_CODES = new Set([429, 455, 500, 502, 503, 504]);
/** Node network error codes that say "the path failed", not "the request was wrong". */
const RETRYABLE_NETWORK_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'EPROTO',
    'ERR_STREAM_PREMATURE_CLOSE',
    'UND_ERR_SOCKET'
]);
/** Turns anything thrown by the HTTP layers into a TransferError that says whether to retry. */
function classify(error) {
    if (error instanceof TransferError)
        return error;
    const code = error?.code;
    const message = errorMessage(error);
    if (typeof code === 'string') {
        // Certificate problems do not heal by waiting: say so at once.
        if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
            return new TransferError(`TLS certificate rejected (${code})`);
        }
        if (RETRYABLE_NETWORK_CODES.has(code) || code.startsWith('ERR_SSL_')) {
            return new TransferError(`network error ${code}`, { retryable: true });
        }
        // Anything else with a code (ENOSPC, EACCES, ...) is local and final.
        const text = stripQueries(message);
        return new TransferError(text.startsWith(`${code}:`) ? text : `${code}: ${text}`);
    }
    return new TransferError(`unexpected error: ${stripQueries(message)}`);
}
const HTTP_DATE = /^[A-Za-z]{3,9}, .*\d{2}:\d{2}:\d{2} GMT$|^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/;
/** Milliseconds asked for by a Retry-After header (delta-seconds or HTTP date), if it is sane. */
function parseRetryAfter(value, now = Date.now()) {
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    if (!text)
        return undefined;
    let ms;
    if (/^\d+(\.\d+)?$/.test(text))
        ms = Number(text) * 1000;
    // Only an HTTP date counts (RFC 9110 IMF-fixdate and the obsolete forms): Date.parse would
    // read "-5" or "1,5" as dates in 2001 and turn garbage into "retry at once".
    else if (!HTTP_DATE.test(text))
        return undefined;
    else {
        const at = Date.parse(text);
        if (Number.isNaN(at))
            return undefined;
        ms = Math.max(0, at - now);
    }
    return ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}
/** The full-jitter exponential wait before retry number `retry` (1-based). */
function backoffMs(retry, random) {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
    return Math.floor(random() * ceiling);
}
/**
 * Runs `attempt` until it succeeds, fails for good, or `policy.retries` retries are spent.
 * A retryable error waits its Retry-After when given, else the jittered backoff. A cancelled run
 * is never retried and its waits end at once; a rate-limit answer is the API governor's to wait
 * out (it spends no retry), so one that reaches here is final.
 */
async function withRetry(what, policy, attempt, signal) {
    for (let n = 0;; n++) {
        if (signal?.aborted)
            throw new CancelledError();
        try {
            return await attempt();
        }
        catch (raw) {
            if (raw instanceof CancelledError)
                throw raw;
            const error = classify(raw);
            if (!error.retryable || error.rateLimited || n >= policy.retries)
                throw error;
            const retry = n + 1;
            const waitMs = error.retryAfterMs ?? backoffMs(retry, policy.clock.random);
            policy.onRetry({ what, retry, of: policy.retries, waitMs, reason: error.message });
            await policy.clock.sleep(waitMs, signal);
        }
    }
}

;// CONCATENATED MODULE: ./src/util/tunnel-agent.ts



/**
 * The agent class, made on the HttpsProxyAgent that proxy.ts loads when a proxy applies (the
 * package is bundled apart, so only its type is imported here).
 *
 * With keepAlive, its tunnels live in http.Agent's own pool: one tunnel (and the TLS session
 * inside it) carries request after request to its host, and at most `maxSockets` are open to
 * each host at a time; a request beyond them waits for one to come free. Plain and TLS targets
 * are both CONNECT tunnels, as through http-client's own proxy agent. The pool files a tunnel
 * under a name made from the request's `protocol`, so every request must carry it (Http does):
 * without it, agent-base guesses from the call stack, which differs when the tunnel is handed
 * back, and no tunnel is ever reused.
 *
 * A proxy that refuses the tunnel (407, 403, 502) fails the request with an error naming the
 * proxy: https-proxy-agent alone replays the proxy's answer as if the host had sent it, and a 403
 * would then read as the file host refusing its signed URL. A proxy that cannot be reached is
 * named too.
 */
function tunnelAgentClass(Base) {
    return class TunnelAgent extends Base {
        constructor(proxy, protocol, maxSockets) {
            // noDelay, as http.Agent connects by default: the socket to the proxy is built here instead.
            super(proxy, { keepAlive: true, maxSockets, noDelay: true });
            // Stated, not guessed from the call stack (agent-base's fallback).
            this.protocol = protocol;
        }
        async connect(req, opts) {
            let refusal;
            const onAnswer = (answer) => {
                if (answer.statusCode !== 200)
                    refusal = answer;
            };
            req.once('proxyConnect', onAnswer);
            let socket;
            try {
                socket = await super.connect(req, opts);
            }
            catch (error) {
                const { message, retryable } = classify(error);
                throw new TransferError(`proxy ${this.proxy.host}: ${message}`, { retryable });
            }
            finally {
                req.off('proxyConnect', onAnswer);
            }
            if (refusal) {
                socket.destroy();
                const { statusCode, statusText } = refusal;
                const reason = statusText ? ` ${oneLine(statusText, 60)}` : '';
                throw new TransferError(`proxy ${this.proxy.host} refused the tunnel to ${opts.host}:${opts.port} (HTTP ${statusCode}${reason})`, { retryable: RETRYABLE_STATUSES.has(statusCode) });
            }
            return socket;
        }
    };
}

;// CONCATENATED MODULE: ./src/util/proxy.ts
// Behind a forward proxy: whether one applies (http-client's own rules), its credentials masked, the keep-alive tunnel agent loaded only then.



/** Beside this module: dist/https-proxy-agent/ in the bundle, src/util/https-proxy-agent/ in tests. */
const HTTPS_PROXY_AGENT = './https-proxy-agent/index.cjs';
/**
 * The proxy a request to `url` goes through, decided exactly as @actions/http-client decides it:
 * https_proxy or HTTPS_PROXY for https URLs, http_proxy or HTTP_PROXY for http ones, none for a
 * host that no_proxy/NO_PROXY names nor for a loopback host (localhost, 127.*, [::1]). A proxy
 * URL without a host name is no proxy, as there. Null: go direct.
 */
function proxyFor(url) {
    const href = lib_getProxyUrl(url.href);
    if (!href)
        return null;
    const proxy = new URL(href);
    return proxy.hostname ? proxy : null;
}
/**
 * The agent for `protocol` URLs through `proxy`: CONNECT tunnels kept alive and reused, at most
 * `maxSockets` to each host at a time (tunnel-agent.ts). The credentials are masked before the
 * agent exists (its DEBUG output prints the proxy URL).
 */
async function tunnelAgent(proxy, protocol, maxSockets) {
    maskProxyCredentials(proxy);
    // https-proxy-agent is loaded here, so a run without a proxy never parses it. ncc leaves this
    // import as it is (webpackIgnore), and `npm run package` bundles the package apart at that very
    // path beside dist/index.js. (A chunk split by ncc itself would do, but ncc then writes only that
    // chunk's licenses into dist/licenses.txt.)
    const loaded = (await import(/* webpackIgnore: true */ HTTPS_PROXY_AGENT));
    const { HttpsProxyAgent } = loaded.default;
    const TunnelAgent = tunnelAgentClass(HttpsProxyAgent);
    core_debug(`${protocol.slice(0, -1)} requests go through the proxy ${proxy.host}: CONNECT tunnels kept alive, at most ${maxSockets} to a host`);
    return new TunnelAgent(proxy, protocol, maxSockets);
}
/**
 * Registers the proxy's credentials with the runner's masker: the password as written in the URL
 * and decoded (the user name too when it comes alone, as a token), and the Basic token sent as
 * Proxy-Authorization. getProxyUrl only hands out URLs whose parts decode.
 */
function maskProxyCredentials(proxy) {
    if (!proxy.username && !proxy.password)
        return;
    const user = decodeURIComponent(proxy.username);
    const password = decodeURIComponent(proxy.password);
    const secrets = proxy.password ? [proxy.password, password] : [proxy.username, user];
    secrets.push(Buffer.from(`${user}:${password}`).toString('base64'));
    for (const secret of new Set(secrets))
        core_setSecret(secret);
}

;// CONCATENATED MODULE: ./src/util/http.ts
// HTTP for the API and the file host: @actions/http-client, keep-alive direct and through a proxy, timeouts, cancellation, errors without queries.








/**
 * The slowest transfer worth waiting for: a body that brings fewer bytes than this per second,
 * averaged over `timeout` seconds, is abandoned like a stall (a trickle of one byte a second
 * would otherwise keep an idle timer happy forever).
 */
const MIN_BYTES_PER_SECOND = 1024;
/**
 * Clients for plain requests: no automatic redirects (the caller checks every hop), no retries of
 * their own (the one retry policy lives in retry.ts), keep-alive so a batch reuses connections,
 * direct or through the proxy that http-client's rules pick (proxy.ts).
 */
class Http {
    // http-client keeps one agent per client whatever the protocol, so http and https get a client each.
    clients = new Map();
    /**
     * Behind a proxy, the tunnel agents, by target protocol and proxy: http-client's own proxy agent
     * (`tunnel`) keeps no tunnel alive, so each request would pay a new CONNECT and TLS handshake.
     */
    tunnels = new Map();
    timeoutMs;
    maxTunnelsPerHost;
    /**
     * `maxTunnelsPerHost` caps the tunnels open to one host through a proxy (the run's concurrency:
     * its requests to one host never need more); direct connections are left to the pipeline's own
     * bounds, as before.
     */
    constructor(timeoutMs, maxTunnelsPerHost = Infinity) {
        this.timeoutMs = timeoutMs;
        this.maxTunnelsPerHost = maxTunnelsPerHost;
    }
    /**
     * Sends one request and returns once the status line and headers arrived. An abort of `signal`
     * destroys the request at once, before or after the headers, and rejects with CancelledError.
     */
    async request({ method, url, what, headers = {}, body, signal }) {
        if (signal?.aborted)
            throw new CancelledError();
        const parsedUrl = new URL(url);
        const client = this.client(parsedUrl.protocol);
        const proxy = proxyFor(parsedUrl);
        const agent = proxy ? await this.tunnel(parsedUrl.protocol, proxy) : client.getAgent(url);
        // requestRaw is http-client's public low-level entry: the agent chosen above, the same socket
        // timeout as request(), plus Node's own `signal` option, which request() cannot pass.
        const info = {
            parsedUrl,
            httpModule: parsedUrl.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default()),
            options: {
                // Also names the tunnel a keep-alive proxy agent files the connection under (tunnel-agent.ts).
                protocol: parsedUrl.protocol,
                host: parsedUrl.hostname,
                port: parsedUrl.port ? Number(parsedUrl.port) : parsedUrl.protocol === 'https:' ? 443 : 80,
                path: parsedUrl.pathname + parsedUrl.search,
                method,
                headers: { 'user-agent': USER_AGENT, ...headers },
                agent,
                ...(signal ? { signal } : {})
            }
        };
        let response;
        try {
            response = await client.requestRaw(info, body ?? null);
        }
        catch (error) {
            if (signal?.aborted)
                throw new CancelledError();
            // http-client's own timeout error quotes the request path with its query: say it our way.
            if (error instanceof Error && error.message.startsWith('Request timeout')) {
                throw new TransferError(`${what}: no answer within ${this.timeoutMs / 1000} s`, {
                    retryable: true
                });
            }
            const classified = classify(error);
            throw new TransferError(`${what}: ${classified.message}`, { retryable: classified.retryable });
        }
        // From here the body's own Watchdog governs: http-client's socket timeout would half-close
        // the socket at the same moment and turn a clear "stalled" into a bare ECONNRESET.
        ;
        response.message.req?.setTimeout(0);
        return response.message;
    }
    /** Closes idle keep-alive sockets and tunnels so the process can exit at once. */
    dispose() {
        for (const client of this.clients.values())
            client.dispose();
        this.clients.clear();
        // Every request that awaited a tunnel agent is over by now, so each promise has settled.
        for (const pending of this.tunnels.values()) {
            pending.then(agent => agent.destroy()).catch(() => undefined);
        }
        this.tunnels.clear();
    }
    tunnel(protocol, proxy) {
        const key = `${protocol} ${proxy.href}`;
        let agent = this.tunnels.get(key);
        if (!agent) {
            agent = tunnelAgent(proxy, protocol === 'https:' ? 'https:' : 'http:', this.maxTunnelsPerHost);
            this.tunnels.set(key, agent);
        }
        return agent;
    }
    client(protocol) {
        let client = this.clients.get(protocol);
        if (!client) {
            client = new lib_HttpClient(USER_AGENT, [], {
                allowRedirects: false,
                allowRetries: false,
                keepAlive: true,
                socketTimeout: this.timeoutMs
            });
            this.clients.set(protocol, client);
        }
        return client;
    }
}
/**
 * The two rules that abandon a body, checked for as long as it flows:
 * - idle: no byte for `ms` (refresh() moves the same timer, so touching on every chunk
 *   allocates nothing);
 * - rate: fewer than MIN_BYTES_PER_SECOND on average over a window of `ms`. Windows are
 *   consecutive from the first byte on, so a trickle is caught within one window, and a body
 *   that ends before its first window closes is never judged.
 * `onStall` gets the reason as a phrase ("no data for 1 s") and is called at most once.
 */
class Watchdog {
    idle;
    window;
    bytes = 0;
    fired = false;
    constructor(ms, onStall) {
        const seconds = ms / 1000;
        const floor = (MIN_BYTES_PER_SECOND * ms) / 1000;
        const fire = (reason) => {
            if (this.fired)
                return;
            this.fired = true;
            this.stop();
            onStall(reason);
        };
        this.idle = setTimeout(() => fire(`no data for ${seconds} s`), ms);
        this.window = setInterval(() => {
            if (this.bytes < floor)
                fire(`under ${MIN_BYTES_PER_SECOND / 1024} KiB/s for ${seconds} s`);
            this.bytes = 0;
        }, ms);
    }
    touch(bytes) {
        this.bytes += bytes;
        this.idle.refresh();
    }
    stop() {
        clearTimeout(this.idle);
        clearInterval(this.window);
    }
}
/** Passes a body through, feeding its Watchdog and counting the bytes that came. */
class WatchdogMeter extends external_node_stream_namespaceObject.Transform {
    bytes = 0;
    watchdog;
    constructor(watchdog) {
        super();
        this.watchdog = watchdog;
    }
    _transform(chunk, _encoding, done) {
        this.watchdog.touch(chunk.length);
        this.bytes += chunk.length;
        done(null, chunk);
    }
}
/**
 * Reads a whole (small) body as text, refusing more than `maxBytes`, and abandoning it by the
 * Watchdog's rules over `timeoutMs`, or when it is not complete within `wholeMs` (an API answer is
 * a few KiB: one that flows at 4 KiB/s for minutes is not an answer). An abort of `signal` (the
 * one given to Http.request) rejects with CancelledError.
 */
async function readText(message, { what, maxBytes, timeoutMs, signal, wholeMs = Infinity }) {
    const chunks = [];
    let size = 0;
    const abandon = (reason) => void message.destroy(new TransferError(`${what}: ${reason}`, { retryable: true }));
    const watchdog = new Watchdog(timeoutMs, abandon);
    const whole = Number.isFinite(wholeMs)
        ? setTimeout(() => abandon(`the answer was not complete within ${wholeMs / 1000} s`), wholeMs)
        : undefined;
    try {
        for await (const chunk of message) {
            watchdog.touch(chunk.length);
            size += chunk.length;
            if (size > maxBytes) {
                message.destroy();
                throw new TransferError(`${what}: answer larger than ${maxBytes} bytes`);
            }
            chunks.push(chunk);
        }
    }
    catch (error) {
        if (signal?.aborted)
            throw new CancelledError();
        if (error instanceof TransferError)
            throw error;
        const classified = classify(error);
        throw new TransferError(`${what}: ${classified.message}`, { retryable: classified.retryable });
    }
    finally {
        watchdog.stop();
        clearTimeout(whole);
    }
    return Buffer.concat(chunks).toString('utf8');
}

;// CONCATENATED MODULE: ./src/download/small.ts
// A small file of announced length: read whole into memory, hashed, then written to its temp file at once.




/**
 * An identity body of known length up to this size is read into memory, then written to a new
 * temp file at once (TempFiles.writeTemp, done by the destination): the file is created in the thread pool, the write,
 * fstat and close are synchronous (microseconds for a few KiB). That is two trips to the thread
 * pool and back fewer per file than streaming it: 10,000 x 2 KiB went from 1.48 to 1.18-1.24 x
 * the minimal client (`npm run bench -- --scenario many`). Creating and renaming stay asynchronous:
 * they take the folder's lock, and done synchronously they block the main thread behind other
 * files' renames (measured: slower than before).
 */
const SMALL_BODY_BYTES = 64 * 1024;
/** Whether a body this size, with these codings, takes the small path. */
function isSmall(size, encoded) {
    return !encoded && size !== null && size <= SMALL_BODY_BYTES;
}
/**
 * The whole body, checked against its announced `size`: more bytes, a body cut short (node ends
 * a body quietly when the peer closes cleanly too early) and a stall are all retryable failures.
 */
async function readSmallBody(message, size, timeoutMs, signal) {
    // A listener added to a signal already aborted never fires.
    if (signal.aborted)
        throw new CancelledError();
    const watchdog = new Watchdog(timeoutMs, reason => message.destroy(new TransferError(`download stalled: ${reason}`, { retryable: true })));
    // The answer was requested before this read began: a cancel must end it here too.
    const end = () => void message.destroy();
    signal.addEventListener('abort', end, { once: true });
    const chunks = [];
    let got = 0;
    try {
        for await (const chunk of message) {
            watchdog.touch(chunk.length);
            got += chunk.length;
            if (got > size) {
                throw new TransferError('file host sent more bytes than it announced', { retryable: true });
            }
            chunks.push(chunk);
        }
    }
    finally {
        watchdog.stop();
        signal.removeEventListener('abort', end);
    }
    if (!message.complete || got !== size) {
        throw new TransferError(`download cut short: got ${got} of ${size} bytes`, { retryable: true });
    }
    streamed(got);
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, got);
    return { body, sha256: (0,external_node_crypto_namespaceObject.createHash)('sha256').update(body).digest('hex') };
}

;// CONCATENATED MODULE: external "node:stream/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./src/download/decode.ts


const CODINGS = {
    identity: 'identity',
    gzip: 'gzip',
    'x-gzip': 'gzip',
    deflate: 'deflate',
    br: 'br'
};
/**
 * The codings of a Content-Encoding header in the order the host applied them (identity left
 * out), or a final error for one this action cannot undo: saving still-encoded bytes under the
 * file's name is the mistake this module exists to prevent.
 */
function parseContentEncoding(header) {
    const text = Array.isArray(header) ? header.join(',') : (header ?? '');
    const codings = [];
    for (const token of text.split(',')) {
        const name = token.trim().toLowerCase();
        if (name === '')
            continue;
        const coding = CODINGS[name];
        if (!coding) {
            throw new TransferError(`file host sent the body with Content-Encoding "${oneLine(name, 40)}", which this action cannot decode`);
        }
        if (coding !== 'identity')
            codings.push(coding);
    }
    return codings;
}
/**
 * Decoders for `codings`, in the order the body must pass through them (the last coding applied
 * is undone first). An empty list is an identity body.
 *
 * "deflate" is meant to be zlib-wrapped (RFC 9110), but some hosts send raw deflate and browsers
 * accept both; for the outermost coding the first two bytes of `body` tell which (a zlib header
 * is CM=8 and a multiple of 31), read ahead and put back.
 */
async function decoders(codings, body) {
    const chain = [];
    if (codings.length === 0)
        return chain;
    // Loaded on first use: most hosts send files as they are, and zlib costs ~4 ms of start-up.
    const { default: zlib } = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 522, 23));
    for (let i = codings.length - 1; i >= 0; i--) {
        const coding = codings[i];
        if (coding === 'gzip')
            chain.push(zlib.createGunzip());
        else if (coding === 'br')
            chain.push(zlib.createBrotliDecompress());
        else if (i === codings.length - 1 && !isZlibHeader(await peek(body, 2))) {
            chain.push(zlib.createInflateRaw());
        }
        else
            chain.push(zlib.createInflate());
    }
    return chain;
}
/** A body's decoders, and the first error any of them met: the body does not decode. */
class Decoding {
    codings;
    error = null;
    constructor(codings) {
        this.codings = codings;
    }
    /** The decoders for `body` (see decoders()), watched for errors. */
    async chain(body) {
        const chain = await decoders(this.codings, body);
        for (const decoder of chain)
            decoder.once('error', (e) => (this.error ??= e));
        return chain;
    }
    /** Why the body failed, when a decoder failed: a retryable error naming the codings; else null. */
    failure() {
        if (this.error === null)
            return null;
        return new TransferError(`could not decode the ${this.codings.join(', ')} body: ${oneLine(this.error.message, 100)}`, { retryable: true });
    }
}
function isZlibHeader(head) {
    return head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0;
}
/** The first `n` bytes of a stream (fewer if it ends first), left in place for whoever reads it next. */
async function peek(stream, n) {
    const chunks = [];
    let size = 0;
    while (size < n && !stream.readableEnded) {
        if (stream.destroyed)
            throw stream.errored ?? new Error('the body closed early');
        const chunk = stream.read();
        if (chunk === null)
            await change(stream);
        else {
            chunks.push(chunk);
            size += chunk.length;
        }
    }
    const head = Buffer.concat(chunks);
    if (head.length > 0)
        stream.unshift(head);
    return head;
}
/** Resolves at the stream's next 'readable', 'end' or 'close'; rejects on 'error'. */
function change(stream) {
    return new Promise((resolve, reject) => {
        const settle = (error) => {
            for (const event of ['readable', 'end', 'close'])
                stream.off(event, ok);
            stream.off('error', settle);
            if (error)
                reject(error);
            else
                resolve();
        };
        const ok = () => settle();
        for (const event of ['readable', 'end', 'close'])
            stream.on(event, ok);
        stream.on('error', settle);
    });
}

;// CONCATENATED MODULE: ./src/download/part-answer.ts

function checkPartAnswer(answer, asked) {
    const status = answer.statusCode ?? 0;
    if (status === 200)
        return 'whole';
    if (status === 403 || status === 400)
        return 'refused';
    if (status !== 206)
        return 'status';
    const { headers } = answer;
    // The same object, proven: a 206 without the ETag, or with another, may be another version.
    if (headers.etag !== asked.etag)
        return 'other-version';
    const range = contentRange(headers['content-range']);
    const length = contentLength(headers);
    const exact = range !== null &&
        range.start === asked.from &&
        range.end === asked.last &&
        range.total === asked.size &&
        (length === null || length === asked.last - asked.from + 1) &&
        ['identity', ''].includes((headers['content-encoding'] ?? '').trim());
    return exact ? 'ok' : 'not-the-range';
}
/** The host answered a ranged request with the whole object, or not provably from the same object. */
class RangeIgnored extends Error {
}
/** The error a part fails with for a verdict other than `ok`; `what` names the part. */
function partFailure(verdict, status, what) {
    switch (verdict) {
        case 'whole':
        case 'other-version':
            return new RangeIgnored();
        case 'refused':
            // Asking again with this URL is pointless; a download that needs the range after all asks
            // the caller for a fresh one.
            return new TransferError(`${what}: file host refused the signed URL (HTTP ${status})`, {
                retryable: true,
                refreshUrl: true
            });
        case 'status':
            return new TransferError(`${what}: answered HTTP ${status}`, { retryable: true });
        case 'not-the-range':
            return new TransferError(`${what}: the answer is not the range asked for`, {
                retryable: true
            });
    }
}
/** A part could not be had from the object the main stream reads, and nothing else can fetch its bytes. */
function versionChanged(what) {
    return new TransferError(`${what} answered a Range part from another version of the file (or without its ETag): the file is fetched again whole`, { retryable: true });
}
/** `Content-Range: bytes a-b/n` as numbers; null when absent or not of that form. */
function contentRange(value) {
    const m = value === undefined ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value);
    if (!m)
        return null;
    return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) };
}
/** Content-Length as a number; null when absent or not digits. */
function contentLength(headers) {
    const value = headers['content-length'];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

;// CONCATENATED MODULE: ./src/download/main-answer.ts




/**
 * Only a 200 is the whole file when no Range was asked for. A 206, or a Content-Range that does
 * not span the whole body, is part of it: retryable, as a proxy or CDN hiccup may cause it.
 */
function fileFacts(message) {
    const status = message.statusCode ?? 0;
    if (status === 206) {
        throw new TransferError('file host answered 206 Partial Content to a request for the whole file', { retryable: true });
    }
    if (status !== 200) {
        throw new TransferError(`file host answered HTTP ${status} instead of the file`, {
            retryable: true
        });
    }
    const { headers } = message;
    const codings = parseContentEncoding(headers['content-encoding']);
    const wireLength = contentLength(headers);
    const rangeTotal = wholeRange(headers['content-range'], wireLength);
    const etag = headers.etag;
    return {
        contentType: headers['content-type'] ?? null,
        codings,
        wireLength,
        // The encoded length says nothing of the decoded size.
        size: codings.length > 0 ? null : (wireLength ?? rangeTotal),
        etag: etag && !etag.startsWith('W/') ? etag : null,
        acceptRanges: (headers['accept-ranges'] ?? '').trim().toLowerCase() !== 'none'
    };
}
/** The total of a Content-Range that spans the whole body (null without one); throws for any other. */
function wholeRange(header, wireLength) {
    if (header === undefined)
        return null;
    const range = contentRange(header);
    const whole = range !== null &&
        range.total !== null &&
        range.start === 0 &&
        range.end === range.total - 1 &&
        (wireLength === null || wireLength === range.total);
    if (!whole) {
        throw new TransferError(`file host sent Content-Range "${oneLine(scrub(header), 60)}", which is not the whole file`, { retryable: true });
    }
    return range.total;
}
/*
 * Only against a strong validator. Bytes of two versions of an object must never be joined, and
 * only a strong ETag, sent as If-Range and required back on every part, proves a part comes from
 * the object the main stream is reading: a file whose first answer has none (no ETag, a weak one,
 * Last-Modified alone) is never split. Nor is a body with a Content-Encoding (ranges would count
 * encoded bytes), without a Content-Length, or from a host that says `Accept-Ranges: none`.
 */
/** Whether a file this answer describes may be fetched in Range parts at all. */
function maySplit(facts, thresholdBytes) {
    return (facts.etag !== null &&
        facts.acceptRanges &&
        facts.codings.length === 0 &&
        facts.wireLength !== null &&
        facts.size !== null &&
        facts.size >= thresholdBytes);
}
/**
 * The error for a main stream that ended short, or null when it brought all it should: node ends
 * a body quietly when the peer closes cleanly too early, the counts are the proof.
 */
function cutShort(facts, body) {
    const { codings, wireLength, size } = facts;
    const short = !body.complete ||
        (wireLength !== null && body.wire !== wireLength) ||
        (body.end !== Infinity && body.pos !== body.end);
    if (!short)
        return null;
    const encoded = codings.length > 0;
    const of = encoded ? wireLength : size;
    const got = encoded ? body.wire : body.pos;
    return new TransferError(`download cut short: got ${got} of ${of ?? 'an unknown number of'}${encoded ? ' encoded' : ''} bytes`, { retryable: true });
}

;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/download/segment-writer.ts



const READ_BACK_BYTES = 1024 * 1024;
/** The writer stopped at its segment's end: success, not a fault, though the stream is torn down. */
class StopAtEnd extends Error {
}
/**
 * Writes one segment at its offsets. Bytes past the segment's end are not written: the writer
 * stops there (StopAtEnd), or fails when the host sent more than it announced.
 */
class SegmentWriter extends external_node_stream_namespaceObject.Writable {
    options;
    /** The write under way, if any: a destroyed stream does not wait for it (see settled()). */
    pending = Promise.resolve();
    constructor(options) {
        super({ highWaterMark: 64 * 1024 });
        this.options = options;
    }
    _write(chunk, _encoding, done) {
        this.put([chunk], done);
    }
    _writev(chunks, done) {
        this.put(chunks.map(c => c.chunk), done);
    }
    /**
     * Resolves once the last write is on disk and the table knows it. A response that breaks
     * destroys the writer at once, with a write possibly still in the thread pool: its segment's
     * next try must start after it, or that write's late news would move the segment back.
     */
    settled() {
        return this.pending;
    }
    put(buffers, done) {
        const { table, seg, handle, hash, onWritten } = this.options;
        let length = 0;
        for (const buffer of buffers)
            length += buffer.length;
        const claim = table.claim(seg, length);
        const pieces = claim.bytes === length ? buffers : before(buffers, claim.bytes);
        const write = claim.bytes > 0 ? writeFully(handle, pieces, claim.at, claim.bytes) : Promise.resolve();
        // Hashed while the thread pool writes: the pieces are this segment's next bytes either way,
        // and a failed write fails the whole download, hash and all.
        if (hash)
            for (const piece of pieces)
                hash.update(piece);
        const recorded = write.then(() => {
            table.written(seg, claim);
            if (claim.bytes > 0)
                onWritten(claim.bytes);
        });
        this.pending = recorded.catch(() => { });
        recorded.then(() => {
            if (claim.overrun) {
                done(new TransferError('file host sent more bytes than it announced', { retryable: true }));
            }
            else
                done(claim.stopping ? new StopAtEnd() : null);
        }, done);
    }
}
/**
 * Writes `bytes` bytes of `pieces` at `position`. Segments write at once into the one handle:
 * safe, as every write names its position (pwritev). A short write (a disk filling up) is followed
 * by a write of the rest, which then says why (ENOSPC, EDQUOT) in its error.
 */
async function writeFully(handle, pieces, position, bytes) {
    let rest = pieces;
    for (let at = position, left = bytes;;) {
        const { bytesWritten } = await handle.writev(rest, at);
        if (bytesWritten === left)
            return;
        if (bytesWritten === 0) {
            throw new TransferError(`could not write to the temp file: ${left} of ${bytes} bytes left`);
        }
        at += bytesWritten;
        left -= bytesWritten;
        rest = after(rest, bytesWritten);
    }
}
/**
 * Hashes bytes [from, to) of the temp file, read back once through one buffer, after checking it
 * is the file `handle` wrote and not something put in its place since. sha256 must see the bytes
 * in order: the main stream hashes what it writes as it goes (the whole file when nothing was
 * split); once every segment is complete, the rest of the file, from where the main stream
 * stopped, is hashed from disk. Memory stays flat in the file size either way.
 */
async function hashBack(hash, handle, tempPath, from, to) {
    if (from >= to)
        return;
    const reader = await (0,external_node_fs_promises_namespaceObject.open)(tempPath, 'r');
    try {
        const [written, read] = await Promise.all([handle.stat(), reader.stat()]);
        if (written.ino !== read.ino || written.dev !== read.dev) {
            throw new TransferError('the temp file was replaced while downloading');
        }
        const buffer = Buffer.allocUnsafe(READ_BACK_BYTES);
        for (let at = from; at < to;) {
            const { bytesRead } = await reader.read(buffer, 0, Math.min(buffer.length, to - at), at);
            if (bytesRead === 0)
                throw new TransferError('the temp file is shorter than written');
            hash.update(buffer.subarray(0, bytesRead));
            at += bytesRead;
        }
    }
    finally {
        await reader.close();
    }
}
/** The first `bytes` bytes of the pieces. */
function before(pieces, bytes) {
    const out = [];
    let take = bytes;
    for (const piece of pieces) {
        if (take <= 0)
            break;
        out.push(take >= piece.length ? piece : piece.subarray(0, take));
        take -= piece.length;
    }
    return out;
}
/** The pieces without their first `bytes` bytes. */
function after(pieces, bytes) {
    const out = [];
    let skip = bytes;
    for (const piece of pieces) {
        if (skip >= piece.length)
            skip -= piece.length;
        else {
            out.push(skip > 0 ? piece.subarray(skip) : piece);
            skip = 0;
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./src/download/segments.ts
// The segment table of one file: which response fetches which bytes, and which are left; pure bookkeeping, no I/O, no timers.

class SegmentTable {
    /** The main stream's segment. */
    main;
    /** The file's size, or null when unknown (then nothing is ever split). */
    size;
    entries;
    proposed = null;
    constructor(size) {
        this.size = size;
        const end = size ?? Infinity;
        const main = {
            start: 0,
            pos: 0,
            reserved: 0,
            end,
            requestEnd: end,
            closed: false,
            committed: true,
            parent: null
        };
        this.main = main;
        this.entries = [main];
    }
    /** Committed parts beside the main stream. */
    get parts() {
        return this.entries.length - 1;
    }
    /** The part proposed and not yet committed or withdrawn. */
    get proposal() {
        return this.proposed;
    }
    /** The committed segments in file order. */
    segments() {
        return [...this.entries].sort((a, b) => a.start - b.start);
    }
    /** The byte ranges not on disk yet, in file order. */
    left() {
        return this.segments()
            .filter(s => s.pos < s.end)
            .map(s => ({ start: s.pos, end: s.end }));
    }
    /**
     * Proposes the upper half of the streaming segment with the most left, when that is at least
     * `threshold` bytes and no other proposal is open; null otherwise.
     */
    propose(threshold) {
        if (this.proposed)
            return null;
        let best = null;
        for (const seg of this.entries) {
            if (seg.closed || seg.end === Infinity)
                continue;
            if (!best || seg.end - seg.reserved > best.end - best.reserved)
                best = seg;
        }
        if (!best || best.end - best.reserved < threshold)
            return null;
        const mid = best.reserved + Math.floor((best.end - best.reserved) / 2);
        this.proposed = {
            start: mid,
            pos: mid,
            reserved: mid,
            end: best.end,
            requestEnd: best.end,
            closed: true,
            committed: false,
            parent: best
        };
        return this.proposed;
    }
    /** The proposal is given up (or settled): another may be made. */
    withdraw(part) {
        if (this.proposed === part)
            this.proposed = null;
    }
    /** A proposal still fits: its old segment streams, has not changed its end, nor passed mid. */
    canCommit(part) {
        const parent = part.parent;
        return (!part.committed &&
            parent !== null &&
            !parent.closed &&
            parent.end === part.end &&
            parent.reserved <= part.start);
    }
    /** Makes the proposal a segment of the file: its old segment stops at mid. False when it no longer fits. */
    commit(part) {
        if (!this.canCommit(part))
            return false;
        const entry = this.own(part);
        entry.parent.end = entry.start;
        entry.committed = true;
        this.entries.push(entry);
        this.withdraw(part);
        return true;
    }
    /** The segment's response streams, asked for the bytes before `requestEnd`. */
    open(seg, requestEnd = seg.requestEnd) {
        const entry = this.own(seg);
        entry.requestEnd = requestEnd;
        entry.closed = false;
    }
    /**
     * The segment's response ended (done, stopped or failed). True when the open proposal was split
     * from it and is moot now: its answer need not be waited for.
     */
    close(seg) {
        this.own(seg).closed = true;
        return this.proposed?.parent === seg;
    }
    /** Takes what belongs to `seg` of `length` bytes that came for it, before they are written. */
    claim(seg, length) {
        const entry = this.own(seg);
        const room = entry.end - entry.pos;
        const over = length > room;
        const bytes = over ? room : length;
        const at = entry.pos;
        entry.reserved = at + bytes;
        // Decided now, not after the write: a segment about to stop must not be given more to fetch.
        const overrun = over && entry.end >= entry.requestEnd;
        const stopping = over || (entry.reserved >= entry.end && entry.end < entry.requestEnd);
        if (stopping)
            entry.closed = true;
        return { at, bytes, stopping, overrun };
    }
    /** The claimed bytes are on disk. */
    written(seg, claim) {
        this.own(seg).pos = claim.at + claim.bytes;
    }
    /** Gives a failed part's range back to the segment before it, if that one can still fetch it. */
    takeBack(part) {
        const index = this.entries.indexOf(this.own(part));
        if (index <= 0)
            return false;
        const before = this.entries.find(s => s !== part && s.end === part.start && !s.closed);
        if (!before || before.requestEnd < part.end)
            return false;
        before.end = part.end;
        this.entries.splice(index, 1);
        return true;
    }
    /** The file is whole: segments tile it exactly, each complete. Returns its size. */
    complete() {
        if (this.size === null)
            return this.main.pos;
        let at = 0;
        for (const seg of this.segments()) {
            if (seg.start !== at || seg.pos !== seg.end) {
                throw new TransferError(`download incomplete: bytes from ${Math.min(at, seg.pos)} are missing`, { retryable: true });
            }
            at = seg.end;
        }
        if (at !== this.size) {
            throw new TransferError(`download incomplete: got ${at} of ${this.size} bytes`, {
                retryable: true
            });
        }
        return at;
    }
    /** The table's own entry behind a segment it handed out. */
    own(seg) {
        return seg;
    }
}

;// CONCATENATED MODULE: ./src/download/ranged.ts
// Assembles one file in its temp file: the main stream, plus Range parts over idle connections when a big file is the run's tail.











/*
 * How a file is assembled
 * -----------------------
 * The file is a table of segments (segments.ts), each a byte range fetched by one response and
 * written at its own offsets into the one temp file (segment-writer.ts). The main stream is the
 * plain GET.
 *
 * Splitting. Every SPLIT_CHECK_BYTES written and every SPLIT_CHECK_MS, when the pipeline's pool
 * hands out an idle slot (spare.take()) and a segment still has at least the threshold to go, the
 * table proposes a split: a part asks for the upper half with `Range: bytes=mid-last` on the same
 * signed URL (R2/S3 presigned URLs sign only the host, so the header keeps them valid) and
 * If-Range. It is committed only when its answer is exactly that range from that same object
 * (part-answer.ts); a part that cannot be had (refused, 5xx, no answer; PART_ATTEMPTS tries)
 * costs nothing. A file whose main answer does not allow it is never split (main-answer.ts).
 *
 * Fallback to one stream. A part answered with the whole object or from another version ends the
 * splitting, and so does a refused one (a download that needs its range after all asks for a
 * fresh URL); the main stream carries on. Every failed part is told to onPartFailed, so later
 * attempts of the file are one stream.
 *
 * A committed part that breaks mid-body asks again for what it still lacks. When its attempts are
 * spent (or its object changed), the segment before it takes its range back if it can; otherwise
 * the download fails as a whole, retryably. The main stream hashes as it writes; what parts
 * wrote is read back once all is on disk (hashBack).
 */
/** Only a segment with at least this much left to fetch is worth a second connection. */
const SPLIT_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** How often a download looks for an idle slot to borrow: by bytes written, and by time. */
const SPLIT_CHECK_BYTES = 256 * 1024;
const SPLIT_CHECK_MS = 250;
/** Tries per part, a proposal or a committed part alike. */
const PART_ATTEMPTS = 3;
/** The wait before a part's next try, times the tries so far. */
const PART_RETRY_MS = 250;
/** A proposed part came after the old segment had passed its start. */
class Obsolete extends Error {
}
class Assembly {
    options;
    hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    table;
    tasks = new Set();
    /** Aborted on cancellation or when one piece fails for good: every other request stops. */
    signal;
    /** Ends the open proposal's request once it can no longer be committed. */
    dropProposal = new AbortController();
    /** False once splitting is pointless or refused (Range ignored): one stream from then on. */
    splittable;
    failure = null;
    written = 0;
    sinceCheck = 0;
    constructor(options) {
        this.options = options;
        this.signal = options.stop.signal;
        // A listener per request on this signal: the main stream and every part at once.
        (0,external_node_events_namespaceObject.setMaxListeners)(0, this.signal);
        this.table = new SegmentTable(options.size);
        this.splittable = options.spare !== undefined && maySplit(options, options.splitThresholdBytes);
    }
    /** Streams `message` (the checked main answer) and any parts; the file is complete when this resolves. */
    async run(message) {
        const timer = this.splittable
            ? setInterval(() => this.maybeSplit(), SPLIT_CHECK_MS).unref()
            : undefined;
        // The main answer was requested before this assembly existed: a failure elsewhere ends it too.
        const end = () => void message.destroy();
        this.signal.addEventListener('abort', end, { once: true });
        try {
            await this.runMain(message).catch((error) => this.fail(error));
            // Parts may still be split off parts while others finish: wait until none is left.
            while (this.tasks.size > 0)
                await Promise.all([...this.tasks]);
        }
        finally {
            clearInterval(timer);
            this.signal.removeEventListener('abort', end);
        }
        if (this.failure !== null)
            throw this.failure;
        const size = this.table.complete();
        const { handle, tempPath } = this.options;
        await hashBack(this.hash, handle, tempPath, this.table.main.pos, size);
        return { bytes: size, sha256: this.hash.digest('hex'), parts: this.table.parts };
    }
    /** Counts bytes written; every SPLIT_CHECK_BYTES, looks for a slot to borrow. */
    wrote(bytes) {
        this.written += bytes;
        streamed(bytes);
        this.options.onBytes(this.written);
        this.sinceCheck += bytes;
        if (this.sinceCheck >= SPLIT_CHECK_BYTES) {
            this.sinceCheck = 0;
            this.maybeSplit();
        }
    }
    async runMain(message) {
        const decoding = new Decoding(this.options.codings);
        let body;
        try {
            body = await this.streamBody(message, this.table.main, () => decoding.chain(message));
        }
        catch (error) {
            const undecodable = decoding.failure();
            throw undecodable !== null && !this.signal.aborted ? undecodable : error;
        }
        if (body.stopped)
            return;
        const { pos, end } = this.table.main;
        const short = cutShort(this.options, { complete: message.complete, wire: body.wire, pos, end });
        if (short)
            throw short;
    }
    /**
     * Streams a checked answer's body into its segment's writer under a Watchdog, through the
     * decoders `decode` makes (the Watchdog already runs while they look at the body's first bytes).
     * `stopped`: the writer stopped at the segment's end; `wire`: the bytes that came.
     */
    async streamBody(message, seg, decode) {
        const watchdog = new Watchdog(this.options.timeoutMs, reason => message.destroy(new TransferError(`download stalled: ${reason}`, { retryable: true })));
        const meter = new WatchdogMeter(watchdog);
        const writer = new SegmentWriter({
            table: this.table,
            seg,
            handle: this.options.handle,
            hash: seg === this.table.main ? this.hash : null,
            onWritten: bytes => this.wrote(bytes)
        });
        try {
            const chain = decode ? await decode() : [];
            await (0,promises_namespaceObject.pipeline)([message, meter, ...chain, writer]);
            return { stopped: false, wire: meter.bytes };
        }
        catch (error) {
            if (error instanceof StopAtEnd)
                return { stopped: true, wire: meter.bytes };
            throw error;
        }
        finally {
            watchdog.stop();
            // A proposal to share this segment's rest is moot now: no need to wait for its answer.
            if (this.table.close(seg))
                this.dropProposal.abort();
            // Closed first, so nothing is split off or handed back to a segment that no longer streams;
            // its next try waits for the last write, whose news would otherwise move it back.
            await writer.settled();
        }
    }
    /** Proposes a part when a slot is idle and some segment has enough left to share. */
    maybeSplit() {
        if (!this.splittable || this.failure !== null || this.signal.aborted)
            return;
        const part = this.table.propose(this.options.splitThresholdBytes);
        if (!part)
            return;
        const release = this.options.spare?.take();
        if (!release)
            return this.table.withdraw(part);
        this.dropProposal = new AbortController();
        const task = this.runPart(part, this.dropProposal.signal, release)
            .catch((error) => this.fail(error))
            .finally(() => this.tasks.delete(task));
        this.tasks.add(task);
    }
    /** A part's attempts; never rejects (a failure for good is recorded by fail()). */
    async runPart(part, drop, release) {
        try {
            for (let attempt = 1;; attempt++) {
                try {
                    await this.fetchPart(part, drop);
                    return;
                }
                catch (error) {
                    if (this.givesUp(part, drop, error, attempt))
                        return;
                }
                await this.options.clock.sleep(PART_RETRY_MS * attempt, this.signal).catch(() => { });
            }
        }
        finally {
            this.table.withdraw(part);
            release();
        }
    }
    /** Whether a part stops trying after `error`; a committed part that stops gives its range back. */
    givesUp(part, drop, error, attempt) {
        // Cancelled, or failed elsewhere (the cause is recorded there), or moot.
        if (this.signal.aborted || drop.aborted || error instanceof Obsolete)
            return true;
        this.options.onPartFailed?.();
        const ignored = error instanceof RangeIgnored;
        if (ignored)
            this.splittable = false;
        const refused = error instanceof TransferError && error.refreshUrl;
        if (!ignored && !refused && attempt < PART_ATTEMPTS)
            return false;
        // A proposal: the old segment never stopped, giving up loses nothing. A committed part:
        // another version (or a host that ignores If-Range) cannot finish it, asking again is moot.
        if (part.committed && !this.table.takeBack(part)) {
            this.fail(ignored ? versionChanged(this.options.what) : error);
        }
        return true;
    }
    /** One try of a part: asks for what it still lacks and streams it into place. */
    async fetchPart(part, drop) {
        if (!part.committed && !this.canCommit(part))
            throw new Obsolete();
        if (part.pos >= part.end)
            return;
        const from = part.pos;
        const last = part.end - 1;
        const what = `${this.options.what} (bytes ${from}-${last})`;
        const message = await this.askPart(part, { from, last, what }, drop);
        this.table.open(part, last + 1);
        const { stopped } = await this.streamBody(message, part);
        if (!stopped && part.pos < part.end) {
            throw new TransferError(`${what}: cut short at byte ${part.pos}`, { retryable: true });
        }
    }
    /** Requests a part's range; returns the answer once it is proven the range (a proposal then committed). */
    async askPart(part, { from, last, what }, drop) {
        // Never null here: a file without a strong ETag is not splittable.
        const etag = this.options.etag;
        const message = await this.options.http.request({
            method: 'GET',
            url: this.options.url,
            what,
            headers: { 'accept-encoding': 'identity', range: `bytes=${from}-${last}`, 'if-range': etag },
            signal: part.committed ? this.signal : AbortSignal.any([this.signal, drop])
        });
        try {
            const verdict = checkPartAnswer(message, { from, last, size: this.options.size, etag });
            // More splits would be refused alike.
            if (verdict === 'refused')
                this.splittable = false;
            if (verdict !== 'ok')
                throw partFailure(verdict, message.statusCode ?? 0, what);
            if (!part.committed && !(this.canCommit(part) && this.table.commit(part))) {
                throw new Obsolete();
            }
        }
        catch (error) {
            message.destroy();
            throw error;
        }
        return message;
    }
    /** A proposal still fits its old segment, and nothing failed meanwhile. */
    canCommit(part) {
        return this.failure === null && this.table.canCommit(part);
    }
    fail(error) {
        if (this.failure !== null)
            return;
        this.failure = error;
        this.options.stop.abort();
    }
}

;// CONCATENATED MODULE: ./src/download/file-host.ts




const MAX_REDIRECTS = 5;
/**
 * GETs the URL, following at most 5 redirects by hand: each hop is checked (http(s) only, never
 * https to http), masked before use, and sent without any Authorization header.
 */
async function follow(http, signedUrl, signal) {
    let url = signedUrl;
    for (let hop = 0;; hop++) {
        const what = `file host ${new URL(url).host}`;
        const message = await http.request({
            method: 'GET',
            url,
            what,
            headers: { 'accept-encoding': 'identity' },
            signal
        });
        const status = message.statusCode ?? 0;
        if (status >= 200 && status < 300)
            return { message, url, what };
        if (status >= 300 && status < 400 && message.headers.location) {
            message.resume();
            if (hop >= MAX_REDIRECTS)
                throw new TransferError(`file host redirected more than ${MAX_REDIRECTS} times`);
            url = nextHop(url, message.headers.location);
            continue;
        }
        throw await hostError(message, status, signal);
    }
}
/** The URL a redirect leads to from `from`, checked and masked; throws a final error for a hop refused. */
function nextHop(from, location) {
    let next;
    try {
        next = new URL(location, from);
    }
    catch {
        throw new TransferError('file host redirected to an invalid URL');
    }
    // A hop to another presigned URL is as secret as the first one.
    if (next.search)
        maskSignedUrl(next.href);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new TransferError(`file host redirected to a "${oneLine(next.protocol, 20)}" URL`);
    }
    if (new URL(from).protocol === 'https:' && next.protocol === 'http:') {
        throw new TransferError(`file host redirected from https to http (${redactUrl(next.href)}): refused`);
    }
    return next.href;
}
/** S3's words for a signature at fault: the next signed URL may do, the file is not gone. */
const SIGNATURE_CODES = new Set([
    'SignatureDoesNotMatch',
    'ExpiredRequest',
    'InvalidAccessKeyId',
    'AuthorizationQueryParametersError',
    'RequestTimeTooSkewed'
]);
/** A 403 that blames the signature, or Cloudflare's block ("error code: 1010") on the way. */
function notAboutTheFile(text, s3Code) {
    if (s3Code !== undefined && SIGNATURE_CODES.has(s3Code))
        return true;
    return /Request has expired|error code: \d+/i.test(text);
}
/** The file host said no: its answer's words read (at most 64 KiB), then judged by refusal(). */
async function hostError(message, status, signal) {
    const text = await readText(message, {
        what: 'file host',
        maxBytes: 64 * 1024,
        timeoutMs: 10_000,
        signal
    }).catch(() => '');
    return refusal(status, text, message.headers['retry-after']);
}
/**
 * The error for a file host's no. 403 and 400 are how an S3-style host refuses an expired or bad
 * signature, and 403, 404 and 410 how it says the object is gone: the cure for the first, and the
 * test for the second, is a fresh signed URL, so these ask for one (and count as a retry).
 */
function refusal(status, text, retryAfter) {
    const s3Code = /<Code>([^<]{1,64})<\/Code>/.exec(text)?.[1];
    const detail = s3Code ? ` ${oneLine(scrub(s3Code), 64)}` : '';
    if (status === 403 || status === 400 || status === 404 || status === 410) {
        const refused = status === 403 || status === 400;
        return new TransferError(refused
            ? `file host refused the signed URL (HTTP ${status}${detail})`
            : `file host answered HTTP ${status}${detail}`, { retryable: true, refreshUrl: true, gone: status !== 400 && !notAboutTheFile(text, s3Code) });
    }
    const retryable = RETRYABLE_STATUSES.has(status);
    return new TransferError(`file host answered HTTP ${status}${detail}`, {
        retryable,
        retryAfterMs: retryable ? parseRetryAfter(retryAfter) : undefined
    });
}

;// CONCATENATED MODULE: ./src/download/download.ts
// Streams one signed URL into a temp file: checked answers and redirects, decoding, sha256 and byte count, cancellation, no half files.









/** Progress lines for long downloads come this often, and only for them. */
const PROGRESS_EVERY_MS = 5_000;
/**
 * Downloads `signedUrl` into a new temp file in `dest`. On any failure, cancellation included, the
 * temp file is gone before this rejects.
 */
async function download(http, signedUrl, dest, options) {
    const outer = options.signal;
    if (outer?.aborted)
        throw new CancelledError();
    // One controller per file: its requests listen to it, not to the run's signal (which would
    // otherwise collect a listener per request under way), and the assembly aborts it when one piece
    // fails for good. The run's signal gets one listener per file under way, hence no leak warning.
    const stop = new AbortController();
    const cancel = () => stop.abort();
    if (outer) {
        (0,external_node_events_namespaceObject.setMaxListeners)(0, outer);
        outer.addEventListener('abort', cancel, { once: true });
    }
    const job = { http, dest, options, stop, written: 0 };
    try {
        const answer = await follow(http, signedUrl, stop.signal);
        job.message = answer.message;
        const facts = fileFacts(answer.message);
        options.onResponse?.({ contentType: facts.contentType, total: facts.size });
        if (isSmall(facts.size, facts.codings.length > 0)) {
            return await smallFile(job, answer.message, facts.size, facts.contentType);
        }
        return await assemble(job, answer, facts);
    }
    catch (error) {
        throw await failed(job, error);
    }
    finally {
        outer?.removeEventListener('abort', cancel);
    }
}
/** A small body: read whole, then written to its temp file at once (small.ts). */
async function smallFile(job, message, size, contentType) {
    const { signal } = job.stop;
    const { body, sha256 } = await readSmallBody(message, size, job.options.timeoutMs, signal);
    const written = await job.dest.writeTemp(body);
    // A cancel that came while the file was being created: it is not reported, so it goes.
    if (signal.aborted) {
        await job.dest.removeTemp(written.path);
        throw new CancelledError();
    }
    const { path: tempPath, mtimeMs } = written;
    return { tempPath, mtimeMs, bytes: body.length, sha256, contentType, parts: 0 };
}
/** Any other body: streamed into a temp file, split into Range parts when worth it (ranged.ts). */
async function assemble(job, answer, facts) {
    const { options } = job;
    const temp = (job.temp = await job.dest.createTemp());
    const clock = options.clock ?? realClock;
    const assembly = new Assembly({
        ...facts,
        http: job.http,
        url: answer.url,
        what: answer.what,
        handle: temp.handle,
        tempPath: temp.path,
        timeoutMs: options.timeoutMs,
        stop: job.stop,
        spare: options.spare,
        splitThresholdBytes: options.splitThresholdBytes ?? SPLIT_THRESHOLD_BYTES,
        clock,
        onPartFailed: options.onPartFailed,
        onBytes: progress(clock.now, facts.size, options.onProgress, bytes => (job.written = bytes))
    });
    const { bytes, sha256, parts } = await assembly.run(answer.message);
    // The mtime for the record, from the handle: placing the file keeps it, so no lstat later.
    const { mtimeMs } = (0,external_node_fs_namespaceObject.fstatSync)(temp.handle.fd);
    await temp.handle.close();
    return { tempPath: temp.path, mtimeMs, bytes, sha256, contentType: facts.contentType, parts };
}
/** Told of the bytes written after every write: passes them on, and reports progress every PROGRESS_EVERY_MS. */
function progress(now, total, onProgress, onWritten) {
    const started = now();
    let lastReport = started;
    return bytes => {
        onWritten(bytes);
        if (onProgress && now() - lastReport >= PROGRESS_EVERY_MS) {
            lastReport = now();
            onProgress({ bytes, total, elapsedMs: lastReport - started });
        }
    };
}
/** Cleans up after a failure and says what failed: no temp file is left behind. */
async function failed(job, error) {
    job.message?.destroy();
    if (job.temp) {
        await job.temp.handle.close().catch(() => undefined);
        await job.dest.removeTemp(job.temp.path);
    }
    if (job.options.signal?.aborted)
        return new CancelledError();
    if (error instanceof TransferError)
        return error;
    const full = job.dest.diskFull(error);
    if (full)
        return full;
    const classified = classify(error);
    return new TransferError(`download failed after ${job.written} bytes: ${classified.message}`, {
        retryable: classified.retryable
    });
}

;// CONCATENATED MODULE: ./src/pipeline/stop.ts
// The run's stop: why nothing more starts (a bad key, no credits, a full disk, a cancel), raised once, checked before any work starts.

/**
 * Thrown where work would start after the run stopped. It stops all, so every layer passes it on
 * as it is: the retry policy does not retry it, the task watcher does not take it for a failed
 * lookup. Its message is never shown: the entry's `stoppedBy` says what happened.
 */
class StoppedError extends TransferError {
    constructor() {
        super('not started', { stopAll: true });
        this.name = 'StoppedError';
    }
}
/**
 * The one stop of a run. Raised by an answer every other entry would meet too (401, 402, 433, a
 * full disk) or by the runner's cancel; said once (the first reason stands); checked before every
 * API call and download; and read back as `stoppedBy` for the entries it kept from ending.
 */
class RunStop {
    /** Aborted once the run stops or is cancelled: wakes what sleeps between tries (a task between looks). */
    signal;
    #cancel;
    #wake = new AbortController();
    #onStop;
    #reason = null;
    /** `cancel` is the runner's SIGINT/SIGTERM; `onStop` says the reason, once. */
    constructor(cancel, onStop) {
        this.#cancel = cancel;
        this.#onStop = onStop;
        this.signal = AbortSignal.any([cancel, this.#wake.signal]);
    }
    /** Why nothing more starts: the answer that stopped the run, or the cancel; null while it runs on. */
    get reason() {
        return this.#reason ?? (this.#cancel.aborted ? cancelReason(this.#cancel) : null);
    }
    /** Stops the run for every entry not under way yet, said once. */
    raise(reason) {
        if (this.#reason !== null)
            return;
        this.#reason = reason;
        this.#onStop(reason);
        this.#wake.abort();
    }
    /**
     * Raises the stop when `error` is one every other entry would meet too, then throws it on. Said
     * the moment the answer arrives, before the governor hands the freed slot to the next queued
     * call (or the transfer slot to the next download): that call then sees the stop and is never
     * sent. Bound, for `.catch(stop.escalate)`.
     */
    escalate = (error) => {
        this.raiseFor(error);
        throw error;
    };
    /** Raises the stop when `error` stops all (a 401, 402 or 433 answer, a full disk). */
    raiseFor(error) {
        if (error instanceof TransferError && error.stopAll && !(error instanceof StoppedError)) {
            this.raise(error.message);
        }
    }
    /** Throws StoppedError once the run has stopped or is cancelled: nothing new may start. */
    check() {
        if (this.#reason !== null || this.#cancel.aborted)
            throw new StoppedError();
    }
    /** What the stop does to work that would start now: null while the run goes on. */
    now() {
        if (this.#cancel.aborted)
            return 'cancelled';
        return this.#reason === null ? null : 'not-started';
    }
    /**
     * What `error`, which ended an entry, says of the stop: cancelled (the run was cancelled), not
     * started (the stop kept it from starting, or woke it from a sleep), or null: a failure of its own.
     */
    outcomeOf(error) {
        if (this.#cancel.aborted)
            return 'cancelled';
        if (error instanceof StoppedError)
            return 'not-started';
        if (error instanceof CancelledError)
            return this.#reason === null ? 'cancelled' : 'not-started';
        return null;
    }
    /** From now on a cancel raises the stop (its line in the log, sleepers woken); returns what ends that. */
    arm() {
        const onCancel = () => this.raise(cancelReason(this.#cancel));
        this.#cancel.addEventListener('abort', onCancel, { once: true });
        if (this.#cancel.aborted)
            onCancel();
        return () => this.#cancel.removeEventListener('abort', onCancel);
    }
}
/** Why nothing more happens after a cancel, for the log's stop line and the step's error. */
function cancelReason(signal) {
    const by = signal.reason instanceof CancelledError && signal.reason.signal
        ? ` by ${signal.reason.signal}`
        : '';
    return `cancelled${by}; files that finished are kept`;
}

;// CONCATENATED MODULE: ./src/pipeline/fetch.ts






/** A signed URL lives 20 minutes; one older than this is replaced before a download starts. */
const SIGNED_URL_MAX_AGE_MS = 18 * 60 * 1000;
/**
 * A job's transfer: nothing for a refused file, the facts of a kept one (hashed unless the record
 * vouches for them), resolve and download otherwise, unless the run has stopped.
 */
async function transfer(job, ctx) {
    const started = ctx.clock.now();
    try {
        const { disposition: d } = job;
        if (d.kind === 'refuse')
            return { kind: 'failed', error: d.why, ms: 0 };
        if (d.kind === 'keep' && job.name) {
            const { bytes, sha256 } = d.known ?? (await ctx.dest.hash(job.name, ctx.signal));
            const contentType = d.known ? d.known.contentType : lookup(job.name) || null;
            return { kind: 'kept', bytes, sha256, contentType };
        }
        const stoppedBy = ctx.stop.now();
        if (stoppedBy)
            return { kind: 'failed', error: null, stoppedBy, ms: 0 };
        const file = await fetchFile(job, ctx);
        return { kind: 'downloaded', file, ms: ctx.clock.now() - started };
    }
    catch (error) {
        // A full disk (a 401/402 was said already): every other download would fail the same way.
        ctx.stop.raiseFor(error);
        const ms = ctx.clock.now() - started;
        const stoppedBy = ctx.stop.outcomeOf(error);
        if (stoppedBy)
            return { kind: 'failed', error: null, stoppedBy, ms };
        return { kind: 'failed', error: errorMessage(error), ms };
    }
    finally {
        // The namer may wait for this file's extension: no response means none.
        job.ext.resolve('');
    }
}
/** `#3 cat.png`: how logs name a file before it has its final name. */
function jobLabel(job) {
    return `${job.urlName.stem}${job.urlName.ext}`;
}
/**
 * Resolve, then download, under the one retry policy. A refused or expired signed URL is exchanged
 * once for a fresh one at no cost to `retries` (a refresh is not a retry); a second refusal is.
 * A file the host says is gone (403, 404, 410) with the fresh URL too has expired on kie.ai: it
 * fails at once, after two download-url calls, and no retry asks again.
 */
async function fetchFile(job, ctx) {
    const label = jobLabel(job);
    let signed;
    let refreshed = false;
    const fresh = async () => {
        // A job queued when a 401/402 arrived must not spend another call.
        ctx.stop.check();
        return { url: await resolve(job, label, ctx), at: ctx.clock.now() };
    };
    const stale = (s) => ctx.clock.now() - s.at > SIGNED_URL_MAX_AGE_MS;
    // Once a Range part of this file failed, its later attempts take it in one stream.
    let oneStream = false;
    const fetchOnce = (url) => download(ctx.http, url, ctx.dest, {
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        spare: oneStream ? undefined : ctx.transferSlots,
        onPartFailed: () => (oneStream = true),
        onResponse: info => job.ext.resolve(extFromContentType(info.contentType)),
        onProgress: p => ctx.onProgress(label, p)
    }).catch(ctx.stop.escalate);
    /** A refusal of the refreshed URL: final when it says the file is gone, else as before. */
    const refusedAgain = (error) => {
        signed = undefined;
        return error.gone ? expiredError(error, job.createdAt, ctx.clock.now()) : error;
    };
    return withRetry(label, ctx.policy, async () => {
        signed ??= await fresh();
        // A slot per attempt: an entry sleeping before its next attempt holds no connection.
        return ctx.transferSlots.run(async () => {
            // A stop that came while this waited for a slot (a full disk, a 401) starts nothing more.
            ctx.stop.check();
            // Waiting for a slot may have aged the URL past its life: exchange it before use.
            if (!signed || stale(signed))
                signed = await fresh();
            try {
                return await fetchOnce(signed.url);
            }
            catch (error) {
                if (!(error instanceof TransferError && error.refreshUrl))
                    throw error;
                if (refreshed)
                    throw refusedAgain(error);
                signed = undefined;
                refreshed = true;
                signed = await fresh();
                try {
                    return await fetchOnce(signed.url);
                }
                catch (again) {
                    if (again instanceof TransferError && again.refreshUrl)
                        throw refusedAgain(again);
                    throw again;
                }
            }
        }, ctx.signal);
    }, ctx.signal);
}
/** kie.ai keeps generated files this long; their links often die sooner. */
const KEPT_DAYS = 14;
/**
 * The final error of a file whose fresh signed URL met "gone" too: that the file has expired on
 * kie.ai and when its task was created when kie.ai said so (first, as a long error is cut at its
 * end), then what the host said.
 */
function expiredError(error, createdAt, now) {
    const created = createdAt === undefined
        ? ''
        : `; its task was created ${new Date(createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${age(now - createdAt)}`;
    return new TransferError(`the file has expired on kie.ai (kept up to ${KEPT_DAYS} days, links often die sooner${created}): ` +
        `${error.message} again with a fresh signed URL`);
}
/** "3 days ago", "5 hours ago", "less than an hour ago". */
function age(ms) {
    const hours = Math.floor(ms / 3_600_000);
    if (hours >= 48)
        return `${Math.floor(hours / 24)} days ago`;
    if (hours >= 1)
        return `${hours} hour${hours === 1 ? '' : 's'} ago`;
    return 'less than an hour ago';
}
/** The API call with its own retries (rate limits are the governor's); what escapes is final. */
async function resolve(job, label, ctx) {
    try {
        return await withRetry(`${label} (kie.ai)`, ctx.policy, () => ctx.governor.run('resolve', () => {
            // Queued behind the call that met a 401/402: that answer stands for this one too.
            ctx.stop.check();
            return ctx.api
                .resolve({ url: job.url, taskId: job.taskId, endpoint: job.endpoint }, ctx.signal)
                .catch(ctx.stop.escalate);
        }, ctx.signal), ctx.signal);
    }
    catch (error) {
        if (!(error instanceof TransferError) || error instanceof StoppedError)
            throw error;
        ctx.stop.raiseFor(error);
        // The API's retries are spent: final for this file (the download's retries do not ask again).
        throw new TransferError(error.message, { stopAll: error.stopAll });
    }
}

;// CONCATENATED MODULE: ./src/pipeline/jobs.ts

function deferred() {
    let resolve;
    let settled;
    const promise = new Promise(r => (resolve = r));
    return {
        promise,
        resolve: value => {
            if (settled)
                return;
            settled = { value };
            resolve(value);
        },
        peek: () => settled
    };
}
/** The lot of every job until something else is decided (one object for all: no allocation per job). */
const FETCH = Object.freeze({ kind: 'fetch' });
function newJob(origin, position, disposition = FETCH, foreign = false) {
    const urlName = nameFromUrl(origin.url);
    const ext = deferred();
    if (urlName.ext)
        ext.resolve(urlName.ext);
    return {
        ...origin,
        urlName,
        position,
        disposition,
        foreign,
        index: 0,
        name: null,
        named: deferred(),
        ext,
        result: deferred()
    };
}
/** Decides what becomes of a job still to fetch: once, before its work starts. */
function decide(job, disposition) {
    if (job.disposition.kind !== 'fetch') {
        throw new Error(`a job already decided (${job.disposition.kind}) cannot become ${disposition.kind}`);
    }
    ;
    job.disposition = disposition;
}
/** The earlier job this one repeats (same URL), if it does. */
function repeatOf(job) {
    return job.disposition.kind === 'repeat' ? job.disposition.of : undefined;
}

;// CONCATENATED MODULE: ./src/pipeline/listings.ts

/**
 * Every entry has its listing from the start (a run cancelled even before it began reports them
 * all). A URL listed at an earlier position, or repeated within one task's results, is fetched
 * once, through its first job; a task listed again (same ID, same family) is looked up once.
 */
class Listings {
    all = [];
    #byUrl = new Map();
    constructor(entries) {
        const tasks = new Map();
        for (const entry of entries) {
            const position = this.all.length;
            if (entry.kind === 'url') {
                const { url, taskId, endpoint, foreign } = entry;
                const origin = { url, taskId, family: null, endpoint, n: 1, extra: false };
                this.all.push({ kind: 'url', job: this.addJob(origin, position, undefined, foreign) });
                continue;
            }
            const key = `${entry.type}\n${entry.taskId}`;
            const repeats = tasks.get(key);
            const listing = { kind: 'task', entry, position, jobs: deferred(), repeats };
            if (!repeats)
                tasks.set(key, listing);
            this.all.push(listing);
        }
    }
    /**
     * A new job at `position`. Only listed URLs (all known before anything starts) and the same
     * task count as repeats: a repeat across tasks would depend on which task finished first, and
     * names must not.
     */
    addJob(origin, position, sameTask, foreign) {
        const listed = this.#byUrl.get(origin.url);
        const first = listed && listed.position < position ? listed : sameTask?.get(origin.url);
        const job = newJob(origin, position, first ? { kind: 'repeat', of: first } : FETCH, foreign);
        if (first)
            return job;
        if (sameTask)
            sameTask.set(origin.url, job);
        else if (!listed)
            this.#byUrl.set(origin.url, job);
        return job;
    }
    /** A succeeded task's files (its extras too when asked for), each a job at the task's place. */
    addTaskJobs(listing, outcome, withExtras) {
        const { entry, position } = listing;
        const { taskId, type: family, endpoint } = entry;
        const urls = [
            ...outcome.main.map(url => ({ url, extra: false })),
            ...(withExtras ? outcome.extras : []).map(url => ({ url, extra: true }))
        ];
        const sameTask = new Map();
        return urls.map(({ url, extra }, i) => {
            const origin = {
                url,
                taskId,
                family,
                endpoint,
                n: i + 1,
                extra,
                createdAt: outcome.createdAt
            };
            return this.addJob(origin, position, sameTask);
        });
    }
}

;// CONCATENATED MODULE: ./node_modules/yocto-queue/index.js
/*
How it works:
`this.#head` is an instance of `Node` which keeps track of its current value and nests another instance of `Node` that keeps the value that comes after it. When a value is provided to `.enqueue()`, the code needs to iterate through `this.#head`, going deeper and deeper to find the last value. However, iterating through every single item is slow. This problem is solved by saving a reference to the last value as `this.#tail` so that it can reference it to add a new value.
*/

class Node {
	value;
	next;

	constructor(value) {
		this.value = value;
	}
}

class Queue {
	#head;
	#tail;
	#size;

	constructor() {
		this.clear();
	}

	enqueue(value) {
		const node = new Node(value);

		if (this.#head) {
			this.#tail.next = node;
			this.#tail = node;
		} else {
			this.#head = node;
			this.#tail = node;
		}

		this.#size++;
	}

	dequeue() {
		const current = this.#head;
		if (!current) {
			return;
		}

		this.#head = this.#head.next;
		this.#size--;

		// Clean up tail reference when queue becomes empty
		if (!this.#head) {
			this.#tail = undefined;
		}

		return current.value;
	}

	peek() {
		if (!this.#head) {
			return;
		}

		return this.#head.value;

		// TODO: Node.js 18.
		// return this.#head?.value;
	}

	clear() {
		this.#head = undefined;
		this.#tail = undefined;
		this.#size = 0;
	}

	get size() {
		return this.#size;
	}

	* [Symbol.iterator]() {
		let current = this.#head;

		while (current) {
			yield current.value;
			current = current.next;
		}
	}

	* drain() {
		while (this.#head) {
			yield this.dequeue();
		}
	}
}

;// CONCATENATED MODULE: ./node_modules/p-limit/index.js


function pLimit(concurrency) {
	let rejectOnClear = false;

	if (typeof concurrency === 'object') {
		({concurrency, rejectOnClear = false} = concurrency);
	}

	validateConcurrency(concurrency);

	if (typeof rejectOnClear !== 'boolean') {
		throw new TypeError('Expected `rejectOnClear` to be a boolean');
	}

	const queue = new Queue();
	let activeCount = 0;

	const resumeNext = () => {
		// Process the next queued function if we're under the concurrency limit
		if (activeCount < concurrency && queue.size > 0) {
			activeCount++;
			queue.dequeue().run();
		}
	};

	const next = () => {
		activeCount--;
		resumeNext();
	};

	const run = async (function_, resolve, arguments_) => {
		// Execute the function and capture the result promise
		const result = (async () => function_(...arguments_))();

		// Resolve immediately with the promise (don't wait for completion)
		resolve(result);

		// Wait for the function to complete (success or failure)
		// We catch errors here to prevent unhandled rejections,
		// but the original promise rejection is preserved for the caller
		try {
			await result;
		} catch {}

		// Decrement active count and process next queued function
		next();
	};

	const enqueue = (function_, resolve, reject, arguments_) => {
		const queueItem = {reject};

		// Queue the internal resolve function instead of the run function
		// to preserve the asynchronous execution context.
		new Promise(internalResolve => { // eslint-disable-line promise/param-names
			queueItem.run = internalResolve;
			queue.enqueue(queueItem);
		}).then(run.bind(undefined, function_, resolve, arguments_)); // eslint-disable-line promise/prefer-await-to-then

		// Start processing immediately if we haven't reached the concurrency limit
		if (activeCount < concurrency) {
			resumeNext();
		}
	};

	const generator = (function_, ...arguments_) => new Promise((resolve, reject) => {
		enqueue(function_, resolve, reject, arguments_);
	});

	Object.defineProperties(generator, {
		activeCount: {
			get: () => activeCount,
		},
		pendingCount: {
			get: () => queue.size,
		},
		clearQueue: {
			value() {
				if (!rejectOnClear) {
					queue.clear();
					return;
				}

				const abortError = AbortSignal.abort().reason;

				while (queue.size > 0) {
					queue.dequeue().reject(abortError);
				}
			},
		},
		concurrency: {
			get: () => concurrency,

			set(newConcurrency) {
				validateConcurrency(newConcurrency);
				concurrency = newConcurrency;

				queueMicrotask(() => {
					// eslint-disable-next-line no-unmodified-loop-condition
					while (activeCount < concurrency && queue.size > 0) {
						resumeNext();
					}
				});
			},
		},
		map: {
			async value(iterable, function_) {
				const promises = [];

				try {
					Array.from(iterable, (value, index) => {
						const promise = generator(function_, value, index);
						promises.push(promise);
						return promise;
					});
				} catch (error) {
					// The iterable threw, so `Promise.all` never observes the already scheduled promises. Observe them here to avoid unhandled rejections.
					for (const promise of promises) {
						promise.catch(() => {}); // eslint-disable-line promise/prefer-await-to-then
					}

					throw error;
				}

				return Promise.all(promises);
			},
		},
	});

	return generator;
}

function limitFunction(function_, options) {
	const limit = pLimit(options);

	const limitedFunction = (...arguments_) => limit(() => function_(...arguments_));
	Object.defineProperty(limitedFunction, 'clearQueue', {
		value: limit.clearQueue,
	});

	return limitedFunction;
}

function validateConcurrency(concurrency) {
	if (!((Number.isInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY) && concurrency > 0)) {
		throw new TypeError('Expected `concurrency` to be a number from 1 and up');
	}
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/place/destination.ts
// The destination folder: temp files, and placement that never leaves it nor leaves anything behind when nothing is placed.








/** open(2) in the thread pool, giving a plain descriptor (a FileHandle is closed asynchronously only). */
const openFd = (0,external_node_util_namespaceObject.promisify)(external_node_fs_namespaceObject.open);
/** Temp files older than this are leftovers of a cancelled run (a live one touches its own). */
const STALE_TEMP_MS = 60 * 60 * 1000;
/**
 * link() errors that mean "this file system has no hard links" (FAT, exFAT, some network shares):
 * EPERM on Linux and macOS, EISDIR on Windows (libuv's reading of ERROR_INVALID_FUNCTION).
 */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EISDIR']);
/**
 * True when `candidate` is `root` or below it. Both must be real paths (symlinks resolved) of the
 * same platform; `p.relative` knows that platform's separator, drive letters and case rules, and a
 * root (`/`, `C:\`) contains everything on it.
 */
function destination_isInside(root, candidate, p = (external_node_path_default())) {
    const rel = p.relative(root, candidate);
    return rel === '' || (!p.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${p.sep}`));
}
class Destination {
    /** Absolute path as the user gave it (normalised; outputs use it). */
    dir;
    /** The same folder with symlinks resolved: every file must end up below it. */
    real;
    p;
    fs;
    /** The first folder open() created (the destination or an ancestor), if it did. */
    created;
    /** Folders already found to be inside: each is checked once per run, not once per file. */
    checked = new Set();
    placed = 0;
    /** Temp names: this run's random tag, then a counter. */
    tempTag = (0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex');
    temps = 0;
    constructor(dir, real, created, p, fs) {
        this.dir = dir;
        this.real = real;
        this.created = created;
        this.p = p;
        this.fs = fs;
        this.checked.add(dir);
    }
    /**
     * Checks the folder, creates it if needed (close() removes it again when nothing was placed),
     * and removes temp files a cancelled run left behind. Fails, creating nothing, when the path
     * names something that is not a folder.
     */
    static async open(dir, options = {}) {
        const p = options.path ?? (external_node_path_default());
        const fs = options.fs ?? external_node_fs_promises_namespaceObject;
        const absolute = p.resolve(dir);
        const stats = await fs.stat(absolute).catch((error) => {
            if (error.code === 'ENOENT')
                return undefined;
            throw error;
        });
        if (stats && !stats.isDirectory()) {
            throw Object.assign(new Error(`${absolute} is not a folder`), { code: 'ENOTDIR' });
        }
        const created = stats ? undefined : await fs.mkdir(absolute, { recursive: true });
        const dest = new Destination(absolute, await fs.realpath(absolute), created, p, fs);
        await dest.removeStaleTemps();
        return dest;
    }
    /** Absolute path of a relative name. */
    pathOf(relPath) {
        return this.p.join(this.dir, ...relPath.split('/'));
    }
    /**
     * A new temp file, created exclusively (`wx`) so that nothing standing there, a planted symlink
     * included, is ever followed or truncated.
     */
    async createTemp() {
        // A name taken anyway (a leftover of another run) is passed over.
        for (let tries = 1;; tries++) {
            const tempPath = this.nextTempPath();
            try {
                return { path: tempPath, handle: await (0,external_node_fs_promises_namespaceObject.open)(tempPath, 'wx', 0o644) };
            }
            catch (error) {
                if (error.code !== 'EEXIST' || tries >= 100)
                    throw error;
            }
        }
    }
    /**
     * A small finished file in a new temp file. Creating it goes to the thread pool (it changes the
     * folder, whose lock other files' renames may hold); writing a few KiB to the new file, reading
     * its mtime and closing it are synchronous: each takes microseconds, less than a trip to the
     * thread pool and back. On failure nothing is left behind.
     */
    async writeTemp(body) {
        // A name taken anyway (a leftover of another run) is passed over, as in createTemp().
        for (let tries = 1;; tries++) {
            const tempPath = this.nextTempPath();
            let fd;
            try {
                fd = await openFd(tempPath, 'wx', 0o644);
            }
            catch (error) {
                if (error.code !== 'EEXIST' || tries >= 100)
                    throw error;
                continue;
            }
            let open = true;
            try {
                for (let at = 0; at < body.length;)
                    at += (0,external_node_fs_namespaceObject.writeSync)(fd, body, at, body.length - at);
                // The mtime for the record, from the descriptor: placing the file keeps it.
                const { mtimeMs } = (0,external_node_fs_namespaceObject.fstatSync)(fd);
                // A close that fails has still freed the descriptor (close(2)): never close it twice,
                // as another file may have been given its number in between.
                open = false;
                (0,external_node_fs_namespaceObject.closeSync)(fd);
                return { path: tempPath, mtimeMs };
            }
            catch (error) {
                if (open)
                    (0,external_node_fs_namespaceObject.closeSync)(fd);
                await this.removeTemp(tempPath);
                throw error;
            }
        }
    }
    /**
     * A regular file (not a symlink) standing at the name, in a folder that really is inside the
     * destination; anything else is not a file this action may report.
     */
    async existing(relPath) {
        const target = this.pathOf(relPath);
        const stats = await this.fs.lstat(target).catch(() => undefined);
        if (!stats?.isFile() || !(await this.folderInside(this.p.dirname(target))))
            return undefined;
        return { size: stats.size, mtimeMs: stats.mtimeMs };
    }
    /**
     * A full disk (ENOSPC) or a spent quota (EDQUOT) said plainly, as an error that stops the run:
     * every other download would fail the same way. Null for any other error.
     */
    diskFull(error) {
        const code = error?.code;
        if (code !== 'ENOSPC' && code !== 'EDQUOT')
            return null;
        const what = code === 'ENOSPC' ? 'no space left' : 'the disk quota is used up';
        return new TransferError(`${what} on the device holding ${this.dir}`, { stopAll: true });
    }
    /** Whether the folder the name would stand in exists and leads outside the destination (a symlink). */
    async leadsOutside(relPath) {
        const folder = this.p.dirname(this.pathOf(relPath));
        return (await this.exists(folder)) && !(await this.folderInside(folder));
    }
    /** Anything at all standing at the name (a file, a link, a folder). */
    async occupied(relPath) {
        return this.exists(this.pathOf(relPath));
    }
    /** Bytes and sha256 of a file already there (for skipped entries). */
    async hash(relPath, signal) {
        const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
        let bytes = 0;
        // A cancelled run stops hashing at once: a big kept video must not hold up the wind-down.
        const stream = (0,external_node_fs_namespaceObject.createReadStream)(this.pathOf(relPath), { signal });
        for await (const chunk of stream) {
            hash.update(chunk);
            bytes += chunk.length;
        }
        return { bytes, sha256: hash.digest('hex') };
    }
    /** A random tag per run and a counter: unique without asking for random bytes per file. */
    nextTempPath() {
        this.temps = (this.temps + 1) >>> 0;
        const name = `${this.tempTag}${this.temps.toString(16).padStart(8, '0')}`;
        return this.p.join(this.dir, `${TEMP_PREFIX}${name}.part`);
    }
    /**
     * Moves a finished temp file to its name. `overwrite` renames over whatever is there (a symlink
     * is replaced, never followed); otherwise link() refuses atomically if the name is taken. A
     * placement that is refused creates no folder. `mtimeMs`, when the caller read it from the
     * temp file's handle after the last write, saves an lstat of the placed file.
     */
    async place(tempPath, relPath, overwrite, mtimeMs) {
        const target = this.pathOf(relPath);
        const folder = this.p.dirname(target);
        const move = async () => {
            await this.ensureFolder(folder, relPath);
            if (overwrite)
                await this.fs.rename(tempPath, target);
            else
                await this.linkInto(tempPath, target);
        };
        try {
            await move();
        }
        catch (error) {
            // A folder checked earlier in the run may have been removed since: check it again, once.
            if (error.code !== 'ENOENT' || !this.checked.has(folder))
                throw error;
            this.checked.delete(folder);
            await move();
        }
        this.placed++;
        // Linking or renaming keeps the file's mtime: one known from its handle needs no lstat.
        if (mtimeMs !== undefined)
            return { path: target, mtimeMs };
        const stats = await this.fs.lstat(target);
        return { path: target, mtimeMs: stats.mtimeMs };
    }
    /** Best effort: a temp file that cannot be removed now goes at the next run's start. */
    async removeTemp(tempPath) {
        await this.fs.rm(tempPath, { force: true, maxRetries: 3 }).catch(() => undefined);
    }
    /**
     * Ends the run's use of the folder: when nothing was placed, the folders open() created are
     * removed again (each only if empty), so a run that placed nothing leaves nothing. Call it after
     * the lock is released and the record saved.
     */
    async close() {
        if (this.placed > 0 || !this.created)
            return;
        for (let folder = this.dir;; folder = this.p.dirname(folder)) {
            try {
                await this.fs.rmdir(folder);
            }
            catch {
                return; // not empty (or gone): leave it and everything above it
            }
            if (folder === this.created || this.p.dirname(folder) === folder)
                return;
        }
    }
    /**
     * Makes `folder` if needed, checking the deepest folder that exists first: a symlinked subfolder
     * must not get empty folders made outside the destination. Each folder is checked once a run.
     */
    async ensureFolder(folder, relPath) {
        if (this.checked.has(folder))
            return;
        let ancestor = folder;
        while (!this.checked.has(ancestor) && !(await this.exists(ancestor))) {
            const up = this.p.dirname(ancestor);
            if (up === ancestor)
                break;
            ancestor = up;
        }
        if (ancestor !== folder) {
            if (!(await this.folderInside(ancestor)))
                throw this.outside(relPath);
            await this.fs.mkdir(folder, { recursive: true });
        }
        if (!(await this.folderInside(folder)))
            throw this.outside(relPath);
    }
    /** Whether a folder's real path is inside; positive answers are kept for the rest of the run. */
    async folderInside(folder) {
        if (this.checked.has(folder))
            return true;
        const real = await this.fs.realpath(folder).catch(() => undefined);
        if (real === undefined || !destination_isInside(this.real, real, this.p))
            return false;
        this.checked.add(folder);
        return true;
    }
    /** link() where the file system has hard links; where it has none, a check and a rename. */
    async linkInto(tempPath, target) {
        try {
            await this.fs.link(tempPath, target);
        }
        catch (error) {
            const code = error.code ?? '';
            if (code === 'EEXIST')
                throw this.taken();
            if (!NO_HARD_LINKS.has(code))
                throw error;
            // Not atomic, but this run holds the destination's lock: only a person could slip in.
            if (await this.exists(target))
                throw this.taken();
            await this.fs.rename(tempPath, target);
            return;
        }
        await this.removeTemp(tempPath);
    }
    async exists(absolute) {
        return this.fs.lstat(absolute).then(() => true, () => false);
    }
    taken() {
        // The log line and the summary row name the file already.
        return new TransferError('already taken on disk; left untouched');
    }
    outside(relPath) {
        return new TransferError(`refused to write ${relPath}: its folder leads outside the destination`);
    }
    async removeStaleTemps() {
        const now = Date.now();
        for (const name of await this.fs.readdir(this.dir)) {
            if (!name.startsWith(TEMP_PREFIX))
                continue;
            const full = this.p.join(this.dir, name);
            const stats = await this.fs.lstat(full).catch(() => undefined);
            if (stats?.isFile() && now - stats.mtimeMs > STALE_TEMP_MS)
                await this.removeTemp(full);
        }
    }
}

;// CONCATENATED MODULE: ./src/place/lock.ts
// One run at a time per destination: a lock file that a second run waits for and a killed run cannot leave stuck.







/** The lock's name in the destination: never a sanitised name (leading dot), never a temp file's prefix. */
const LOCK_FILE = '.kie-download.lock';
/**
 * A holder refreshes its lock's mtime every third of this, so a lock untouched for this long
 * belongs to a run that is gone (killed, or its machine lost).
 */
const STALE_MS = 30_000;
/** How often a waiting run looks again. */
const POLL_MS = 250;
/** The most of a lock file read: a holder is a line of JSON, whatever the file's size. */
const MAX_HOLDER_BYTES = 4096;
const intervalHeartbeat = (beat, everyMs) => {
    const timer = setInterval(() => void beat(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
};
/** Another run kept the destination for longer than `timeout`. */
class LockTimeoutError extends Error {
    constructor(message) {
        super(message);
        this.name = 'LockTimeoutError';
    }
}
/** A folder or a special file stands where the lock goes: not ours to remove, nor to wait for. */
class NotALockFileError extends Error {
    constructor(lockPath) {
        super(`${lockPath} is not a lock file this action made (it is a folder or a special file); remove it and run again.`);
        this.name = 'NotALockFileError';
    }
}
/**
 * Takes the destination's lock, waiting for another run that holds it (one onWait line), for at
 * most `timeoutMs`. A lock is created exclusively (`wx`, atomic on every OS and file system we
 * meet); a stale one (no heartbeat for `staleMs`, or its process gone from this machine) is removed.
 * A heartbeat dated ahead of this machine's clock (another host's clock, or a planted file) cannot
 * be aged: it counts as stale once it has stood still for the whole `timeoutMs`, where a live
 * holder would have moved it.
 */
async function acquireLock(dir, options) {
    const lockPath = external_node_path_default().join(dir, LOCK_FILE);
    const staleMs = options.staleMs ?? STALE_MS;
    const pollMs = options.pollMs ?? POLL_MS;
    const clock = options.clock ?? realClock;
    const deadline = clock.now() + options.timeoutMs;
    let told = false;
    /** The lock as the first look found it: the same one, still ahead, at the deadline is dead. */
    let first;
    for (;;) {
        if (options.signal?.aborted)
            throw new CancelledError();
        const handle = await tryCreate(lockPath, dir);
        if (handle) {
            return hold(handle, lockPath, { clock, staleMs, start: options.startHeartbeat });
        }
        const seen = await (0,external_node_fs_promises_namespaceObject.lstat)(lockPath).catch(() => undefined);
        if (!seen)
            continue; // released between our two looks
        if (!seen.isFile())
            throw new NotALockFileError(lockPath);
        first ??= { ino: seen.ino, mtimeMs: seen.mtimeMs };
        const holder = await readHolder(lockPath);
        const stale = isStale(seen.mtimeMs, holder, staleMs, clock.now());
        if (stale && (await removeStale(lockPath, seen.ino)))
            continue;
        if (!told) {
            told = true;
            options.onWait?.(`Waiting for another run that is writing to ${dir} (${describe(holder)}), for up to ${lock_seconds(options.timeoutMs)}.`);
        }
        const left = deadline - clock.now();
        if (left <= 0) {
            const stillAhead = seen.ino === first.ino && seen.mtimeMs === first.mtimeMs && seen.mtimeMs > clock.now();
            if (stillAhead && (await removeStale(lockPath, seen.ino)))
                continue;
            throw new LockTimeoutError(`Gave up after ${lock_seconds(options.timeoutMs)}: another run is still writing to ${dir} (${describe(holder)}). ` +
                `Let it finish, give each job its own \`path\`, or raise \`timeout\`; if no such run is alive, delete ${lockPath}.`);
        }
        await clock.sleep(Math.min(pollMs, left), options.signal);
    }
}
/** The new lock's handle, or undefined when another run holds it. */
async function tryCreate(lockPath, dir) {
    try {
        return await (0,external_node_fs_promises_namespaceObject.open)(lockPath, 'wx', 0o644);
    }
    catch (error) {
        const code = error.code;
        if (code === 'EEXIST')
            return undefined;
        // The folder went away (a run that placed nothing removes the folder it made): make it again.
        if (code === 'ENOENT') {
            await (0,external_node_fs_promises_namespaceObject.mkdir)(dir, { recursive: true });
            return tryCreate(lockPath, dir);
        }
        throw error;
    }
}
/** Writes who holds the lock and keeps its mtime fresh until released. */
async function hold(handle, lockPath, heartbeat) {
    const { clock, staleMs } = heartbeat;
    const since = new Date(clock.now()).toISOString();
    const holder = { pid: process.pid, host: (0,external_node_os_namespaceObject.hostname)(), since };
    try {
        await handle.writeFile(JSON.stringify(holder));
    }
    catch (error) {
        // A full disk: an empty lock left behind would make the next run wait for nobody.
        await handle.close().catch(() => undefined);
        await (0,external_node_fs_promises_namespaceObject.unlink)(lockPath).catch(() => undefined);
        throw error;
    }
    const { ino } = await handle.stat();
    // Through our own handle: a heartbeat can never freshen a lock another run has made since.
    const beat = async () => {
        const now = new Date(clock.now());
        await handle.utimes(now, now).catch(() => undefined);
    };
    const stop = (heartbeat.start ?? intervalHeartbeat)(beat, Math.max(Math.floor(staleMs / 3), 1));
    let released = false;
    return async () => {
        if (released)
            return;
        released = true;
        stop();
        await handle.close().catch(() => undefined);
        // Only our own lock: if it was judged stale and taken over, the new one is not ours to remove.
        const now = await (0,external_node_fs_promises_namespaceObject.lstat)(lockPath).catch(() => undefined);
        if (now && now.ino === ino)
            await (0,external_node_fs_promises_namespaceObject.unlink)(lockPath).catch(() => undefined);
    };
}
async function readHolder(lockPath) {
    try {
        // A lock just created may still be empty; JSON.parse of a cut text fails into "unknown holder".
        const parsed = JSON.parse(await readHead(lockPath));
        const o = (parsed ?? {});
        return {
            pid: Number.isSafeInteger(o.pid) && o.pid > 0 ? o.pid : null,
            // Whatever wrote the file, its text reaches a log line only flattened and capped.
            host: typeof o.host === 'string' ? oneLine(o.host, 100) : null,
            since: typeof o.since === 'string' ? oneLine(o.since, 40) : null
        };
    }
    catch {
        return { pid: null, host: null, since: null };
    }
}
/**
 * The first MAX_HOLDER_BYTES of the lock file: it was a regular file a moment ago, but a symlink or
 * a FIFO swapped in since is not followed nor waited on, and a huge (sparse) file costs 4 KiB.
 */
async function readHead(lockPath) {
    // Windows has neither flag (nor FIFOs or symlinks swapped in this way).
    const flags = external_node_fs_namespaceObject.constants.O_RDONLY | (external_node_fs_namespaceObject.constants.O_NOFOLLOW ?? 0) | (external_node_fs_namespaceObject.constants.O_NONBLOCK ?? 0);
    const handle = await (0,external_node_fs_promises_namespaceObject.open)(lockPath, flags);
    try {
        const buffer = Buffer.alloc(MAX_HOLDER_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.toString('utf8', 0, bytesRead);
    }
    finally {
        await handle.close();
    }
}
/** No heartbeat for `staleMs` by `now`, or held by a process of this machine that no longer exists. */
function isStale(mtimeMs, holder, staleMs, now) {
    if (now - mtimeMs > staleMs)
        return true;
    return holder.host === (0,external_node_os_namespaceObject.hostname)() && holder.pid !== null && !processAlive(holder.pid);
}
function processAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        // EPERM: it exists, it is only someone else's.
        return error.code === 'EPERM';
    }
}
/**
 * Removes the stale lock we looked at, unless it was replaced meanwhile (another waiter removed it
 * and took a fresh one). True when the way is free.
 */
async function removeStale(lockPath, ino) {
    const now = await (0,external_node_fs_promises_namespaceObject.lstat)(lockPath).catch(() => undefined);
    if (!now)
        return true;
    if (now.ino !== ino)
        return false;
    try {
        await (0,external_node_fs_promises_namespaceObject.unlink)(lockPath);
        return true;
    }
    catch (error) {
        return error.code === 'ENOENT';
    }
}
function describe(holder) {
    const who = holder.pid !== null ? `process ${holder.pid}` : 'a process';
    const where = holder.host ? ` on ${holder.host}` : '';
    const since = holder.since ? `, since ${holder.since}` : '';
    return `${who}${where}${since}`;
}
function lock_seconds(ms) {
    return `${Math.round(ms / 100) / 10} s`;
}

;// CONCATENATED MODULE: ./src/place/naming.ts
// The names of one run: no two entries share a name, and no name is both a file and a folder.

/**
 * Hands out names so that no two entries of a run share one, compared case-insensitively (as on
 * macOS and Windows runners), and no name is both a file and a folder. Callers ask in input
 * order, which makes names deterministic.
 *
 * A name whose extension is not known yet (claimOpen: a sharded run, where only the shard that
 * downloads a URL sees its Content-Type) is kept from every other name it could become: `base`
 * itself, and `base` with any extension. That is decided from the list alone, so every shard
 * decides it alike.
 */
class NameRegistry {
    files = new Set();
    folders = new Set();
    /** Files without their extension-like tail: an open base equal to one could become that file. */
    stems = new Set();
    /** Folders without an extension-like tail: an open base equal to one could become that folder. */
    folderStems = new Set();
    /** Open bases (names still waiting for their extension), with their suffix. */
    open = new Set();
    /** Open bases without an extension-like tail: with no extension, a base could meet another's. */
    openStems = new Set();
    /** Marks a name as used (a file kept from an earlier run). */
    reserve(relPath) {
        this.add(relPath);
    }
    /** The first free name among `relPath`, `relPath-2`, `relPath-3`, ...; now taken. */
    claim(relPath, ext) {
        const wanted = this.freeFolders(relPath);
        let candidate = wanted;
        for (let n = 2; this.taken(candidate); n++)
            candidate = withSuffix(wanted, n, ext);
        this.add(candidate);
        return candidate;
    }
    /**
     * Claims a name whose extension comes later: the first of `base`, `base-2`, ... that neither is
     * nor could become (with any extension, or none) a name taken already. Returns it; the file's
     * name is it plus the extension its Content-Type gives. A long base is cut first, so that name
     * is never cut again.
     */
    claimOpen(base) {
        const slash = base.lastIndexOf('/');
        const last = base
            .slice(slash + 1)
            .slice(0, MAX_OPEN_BASE_BYTES)
            .replace(/\.+$/, '');
        const wanted = this.freeFolders(base.slice(0, slash + 1) + last);
        let candidate = wanted;
        for (let n = 2; this.openTaken(candidate); n++)
            candidate = `${wanted}-${n}`;
        const key = candidate.toLowerCase();
        this.open.add(key);
        this.openStems.add(stripExt(key));
        this.addFolders(key);
        return candidate;
    }
    /** `relPath` with every folder segment that is a file of this run (or could become one) suffixed. */
    freeFolders(relPath) {
        const segments = relPath.split('/');
        // A folder named like a file of this run gets a suffix of its own: `a/x.png` beside file `a`.
        for (let i = 0; i < segments.length - 1; i++) {
            const folder = segments.slice(0, i + 1).join('/');
            let candidate = folder;
            for (let n = 2; this.isFile(candidate.toLowerCase()); n++)
                candidate = withSuffix(folder, n, '');
            segments[i] = candidate.slice(candidate.lastIndexOf('/') + 1);
        }
        return segments.join('/');
    }
    /** A file of this run, or what an open name could become (the base alone, or with an extension). */
    isFile(key) {
        return this.files.has(key) || this.isOpen(key);
    }
    taken(relPath) {
        const key = relPath.toLowerCase();
        return this.files.has(key) || this.folders.has(key) || this.isOpen(key);
    }
    /**
     * Whether an open base could become `key`. Extensions are one `.xyz` tail, so a base plus one
     * equals `key` only with `key`'s own last tail, or with none.
     */
    isOpen(key) {
        return this.open.has(key) || this.open.has(stripExt(key));
    }
    /** Whether `base`, with any extension or none, could be a name taken already. */
    openTaken(base) {
        const key = base.toLowerCase();
        return (this.isOpen(key) ||
            this.openStems.has(key) ||
            this.files.has(key) ||
            this.stems.has(key) ||
            this.folders.has(key) ||
            this.folderStems.has(key));
    }
    add(relPath) {
        const key = relPath.toLowerCase();
        this.files.add(key);
        this.stems.add(stripExt(key));
        this.addFolders(key);
    }
    addFolders(key) {
        for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
            const folder = key.slice(0, i);
            this.folders.add(folder);
            this.folderStems.add(stripExt(folder));
        }
    }
}
/**
 * `a/b.png` without its extension-like tail (`a/b`): a dot and letters or digits, the shape of
 * every extension a Content-Type gives. A name without one stays as it is.
 */
function stripExt(key) {
    const base = key.slice(key.lastIndexOf('/') + 1);
    const ext = /\.[a-z0-9]{1,16}$/i.exec(base)?.[0] ?? '';
    return ext && ext.length < base.length ? key.slice(0, -ext.length) : key;
}

;// CONCATENATED MODULE: ./src/place/record.ts
// The record of earlier runs (.kie-download.json): a cache of names, hashes and tasks that can never hurt a run.








/** A bigger record is set aside unread: parsing 119 MB cost 6.6 s and 760 MiB (about 15,000 files fit). */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;
/** The record's key for a URL: a hash, so no query string of an input URL is written to disk. */
function recordKey(url) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(url).digest('hex').slice(0, 32);
}
const KEY = /^[0-9a-f]{32}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const record_MAX_TASK_ID = 200;
const MAX_TEXT = 2000;
/**
 * The record for one destination and name template. Load and save it while holding the
 * destination's lock (lock.ts): save() merges with what is on disk then, so nothing is lost even
 * if another writer slipped in.
 */
class DownloadRecord {
    files;
    tasks;
    /** Keys and task IDs this run set: on save, they win over what is on disk. */
    touchedFiles = new Set();
    touchedTasks = new Set();
    /** Entries forgotten, key to recorded path: their file was gone at load, or another URL's file took its path. */
    gone = new Map();
    /** A bad record we could not move: said once, not again at save. */
    stuck = false;
    /** Which key each recorded path belongs to: a path holds one file. */
    byPath = new Map();
    dir;
    filename;
    onWarning;
    constructor(dir, filename, onWarning, files, tasks) {
        this.dir = dir;
        this.filename = filename;
        this.onWarning = onWarning;
        this.files = files;
        this.tasks = tasks;
        for (const [key, entry] of files)
            this.byPath.set(entry.path, key);
    }
    /**
     * The record in `dir` made with the name template `filename`. Anything wrong with it (not a
     * regular file, over 4 MiB, not JSON, wrong shapes) is set aside with a warning, and the run
     * starts afresh; entries with a bad field are dropped; entries whose file is gone are dropped.
     */
    static async load(dir, filename, onWarning) {
        const { contents, aside } = await readContents(dir, filename, onWarning);
        const files = new Map();
        const gone = new Map();
        await Promise.all([...(contents?.files ?? [])].map(async ([key, entry]) => {
            const stats = await (0,external_node_fs_promises_namespaceObject.lstat)(external_node_path_default().join(dir, ...entry.path.split('/'))).catch(() => undefined);
            if (!stats?.isFile()) {
                gone.set(key, entry.path);
                return;
            }
            const unchanged = stats.size === entry.bytes && sameSecond(stats.mtimeMs, entry.mtimeMs);
            files.set(key, { ...entry, unchanged });
        }));
        const tasks = new Map([...(contents?.tasks ?? [])].filter(([, task]) => task.keys.every(k => files.has(k))));
        const record = new DownloadRecord(dir, filename, onWarning, files, tasks);
        for (const [key, p] of gone)
            record.gone.set(key, p);
        record.stuck = aside === 'stuck';
        return record;
    }
    /** What the record knows of a URL whose file is on disk. */
    file(url) {
        return this.files.get(recordKey(url));
    }
    /** Whether an earlier run recorded `relPath` as the file of another URL than `url`. */
    heldByOther(relPath, url) {
        const key = this.byPath.get(relPath);
        return key !== undefined && key !== recordKey(url) && this.files.has(key);
    }
    /** Every recorded file on disk (their names are taken for this run under `if-exists: skip`). */
    allFiles() {
        return [...this.files.values()];
    }
    /**
     * A task whose files are all recorded and on disk, fetched with a `results` setting that covers
     * `results` (a task recorded with `main` knows nothing of its extras), or undefined. With
     * `main`, only its main files.
     */
    task(taskId, results = 'main') {
        const task = this.tasks.get(taskId);
        if (!task || (results === 'all' && task.results !== 'all'))
            return undefined;
        const keys = results === 'all' ? task.keys : task.keys.slice(0, task.main);
        const files = keys.map(k => this.files.get(k));
        if (files.some(f => f === undefined))
            return undefined;
        return { type: task.type, files: files, main: task.main };
    }
    /**
     * Records a file placed or kept by this run. A path holds one file: any other URL recorded at
     * the same path (its file was overwritten) is forgotten, so it is never vouched for again.
     */
    setFile(url, facts) {
        const key = recordKey(url);
        const other = this.byPath.get(facts.path);
        if (other !== undefined && other !== key) {
            this.files.delete(other);
            this.gone.set(other, facts.path);
        }
        const before = this.files.get(key);
        if (before && before.path !== facts.path)
            this.byPath.delete(before.path);
        this.byPath.set(facts.path, key);
        this.files.set(key, { url: redactUrl(url), ...facts, unchanged: true });
        this.touchedFiles.add(key);
        this.gone.delete(key);
    }
    /**
     * Records that a task's results are these files (in result order, the first `main` of them its
     * main results), all placed or kept by this run (setFile). A task without files is not recorded:
     * a re-run must look it up again.
     */
    setTask(taskId, type, urls, main = urls.length, results = 'main') {
        if (urls.length === 0)
            return;
        this.tasks.set(taskId, { type, keys: urls.map(recordKey), main, results });
        this.touchedTasks.add(taskId);
    }
    /**
     * Writes the record when this run has something to add, merged with what is on disk now (this
     * run's entries win for the keys it set), through a temp file and a rename. True when written.
     * Throws when the write fails: the files are fine, only the next run's shortcut is lost.
     */
    async save() {
        if (this.touchedFiles.size === 0 && this.touchedTasks.size === 0)
            return false;
        // A bad record already said to be stuck is not spoken of again, nor anything else this read finds.
        const quiet = this.stuck ? () => undefined : this.onWarning;
        const { contents: disk, aside } = await readContents(this.dir, this.filename, quiet);
        if (aside)
            this.stuck = aside === 'stuck';
        const merged = this.merge(disk);
        const text = recordText(this.filename, merged);
        if (Buffer.byteLength(text) > MAX_RECORD_BYTES) {
            this.onWarning(`${RECORD_FILE} in ${this.dir} would hold ${merged.files.size} files, more than ${MAX_RECORD_BYTES / 1024 / 1024} MiB: not written. ` +
                'A later `if-exists: skip` run hashes the files it finds instead.');
            return false;
        }
        await writeAtomically(this.dir, text);
        this.touchedFiles.clear();
        this.touchedTasks.clear();
        return true;
    }
    /** The record to save: what is on disk now (else what was loaded), this run's entries winning for the keys it set. */
    merge(disk) {
        const files = this.mergeFiles(disk);
        const tasks = new Map(disk?.tasks ?? this.tasks);
        for (const id of this.touchedTasks) {
            const task = this.tasks.get(id);
            if (task)
                tasks.set(id, task);
        }
        for (const [id, task] of tasks)
            if (!task.keys.every(k => files.has(k)))
                tasks.delete(id);
        return { files, tasks };
    }
    mergeFiles(disk) {
        const files = new Map();
        // A path this run wrote holds this run's file: another writer's entry for it is stale.
        const written = new Map();
        for (const key of this.touchedFiles) {
            const entry = this.files.get(key);
            if (entry)
                written.set(entry.path, key);
        }
        if (disk) {
            for (const [key, entry] of disk.files) {
                const owner = written.get(entry.path);
                if (this.gone.get(key) !== entry.path && (owner === undefined || owner === key)) {
                    files.set(key, entry);
                }
            }
        }
        else {
            for (const [key, entry] of this.files)
                files.set(key, withoutState(entry));
        }
        for (const key of this.touchedFiles) {
            const entry = this.files.get(key);
            if (entry)
                files.set(key, withoutState(entry));
        }
        return files;
    }
}
/** The record file's text: version 2, its name template, files by key, tasks with their keys. */
function recordText(filename, { files, tasks }) {
    return JSON.stringify({
        version: 2,
        filename,
        files: Object.fromEntries(files),
        tasks: Object.fromEntries([...tasks].map(([id, t]) => [
            id,
            { type: t.type, files: t.keys, main: t.main, results: t.results }
        ]))
    });
}
/** Writes the record through a temp file and a rename: a reader sees the old record or the new one. */
async function writeAtomically(dir, text) {
    const temp = external_node_path_default().join(dir, `${TEMP_PREFIX}${(0,external_node_crypto_namespaceObject.randomBytes)(8).toString('hex')}.json`);
    try {
        await (0,external_node_fs_promises_namespaceObject.writeFile)(temp, text, { flag: 'wx' });
        await (0,external_node_fs_promises_namespaceObject.rename)(temp, external_node_path_default().join(dir, RECORD_FILE));
    }
    catch (error) {
        await (0,external_node_fs_promises_namespaceObject.rm)(temp, { force: true }).catch(() => undefined);
        throw error;
    }
}
function withoutState(file) {
    const { url, path: relPath, bytes, sha256, contentType, mtimeMs } = file;
    return { url, path: relPath, bytes, sha256, contentType, mtimeMs };
}
/** Why a record is set aside unread: it is not a regular file, or it is too big to parse. */
const NOT_A_FILE = 'is not a regular file (a folder, a link or a special file)';
const TOO_LARGE = `is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`;
/**
 * The record's checked contents; none when there is no record, it was set aside, or it was made
 * by another version or name template (then it is simply overwritten by the next save).
 */
async function readContents(dir, filename, onWarning) {
    const file = await readRecordFile(external_node_path_default().join(dir, RECORD_FILE));
    if (file.kind === 'none')
        return {};
    if (file.kind === 'unreadable') {
        onWarning(`Could not read ${RECORD_FILE} in ${dir} (${file.code}): starting a fresh one.`);
        return {};
    }
    const parsed = file.kind === 'bad' ? file : parseRecord(file.text, filename);
    if (parsed.kind === 'bad')
        return { aside: await setAside(dir, parsed.why, onWarning) };
    if (parsed.kind === 'foreign')
        return {};
    const { dropped } = parsed;
    if (dropped > 0) {
        onWarning(`${RECORD_FILE} in ${dir}: ignored ${dropped} damaged entr${dropped === 1 ? 'y' : 'ies'}.`);
    }
    return { contents: parsed.contents };
}
/** The record file's text, unless it is missing, unreadable, or not a file small enough to parse. */
async function readRecordFile(recordPath) {
    let stats;
    try {
        stats = await (0,external_node_fs_promises_namespaceObject.lstat)(recordPath);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return { kind: 'none' };
        return { kind: 'unreadable', code: errorCode(error) };
    }
    // Never opened unless it is a regular file: a FIFO would block the run, a device never end.
    if (!stats.isFile())
        return { kind: 'bad', why: NOT_A_FILE };
    if (stats.size > MAX_RECORD_BYTES)
        return { kind: 'bad', why: TOO_LARGE };
    try {
        const read = await readSmallFile(recordPath, stats);
        if (read.kind === 'swapped')
            return { kind: 'bad', why: NOT_A_FILE };
        if (read.kind === 'large')
            return { kind: 'bad', why: TOO_LARGE };
        return read;
    }
    catch (error) {
        return { kind: 'unreadable', code: errorCode(error) };
    }
}
/** Renames a bad record out of the way, saying so; one that cannot be moved is left where it is. */
async function setAside(dir, why, onWarning) {
    const aside = `${RECORD_FILE}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
        await (0,external_node_fs_promises_namespaceObject.rename)(external_node_path_default().join(dir, RECORD_FILE), external_node_path_default().join(dir, aside));
        onWarning(`${RECORD_FILE} in ${dir} ${why}: set it aside as ${aside} and started a fresh one.`);
        return 'moved';
    }
    catch (error) {
        onWarning(`${RECORD_FILE} in ${dir} ${why}, and could not be set aside (${errorCode(error)}): left it where it is and started a fresh one.`);
        return 'stuck';
    }
}
/** Checks a record's text: only a version 2 record of this name template is read. */
function parseRecord(text, filename) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return { kind: 'bad', why: 'is not valid JSON' };
    }
    if (!isPlainObject(parsed) || typeof parsed.version !== 'number') {
        return { kind: 'bad', why: 'is not a record this action wrote' };
    }
    // Another version's or another template's record is not damaged, only not ours to read.
    if (parsed.version !== 2 || parsed.filename !== filename)
        return { kind: 'foreign' };
    if (!isPlainObject(parsed.files))
        return { kind: 'bad', why: 'has no valid `files` table' };
    return { kind: 'contents', ...checkTables(parsed.files, parsed.tasks) };
}
/** The entries and tasks whose every field checks out, and how many others were dropped. */
function checkTables(rawFiles, rawTasks) {
    const files = new Map();
    let dropped = 0;
    for (const [key, value] of Object.entries(rawFiles)) {
        const entry = KEY.test(key) ? checkEntry(value) : undefined;
        if (entry)
            files.set(key, entry);
        else
            dropped++;
    }
    const tasks = new Map();
    for (const [id, value] of Object.entries(isPlainObject(rawTasks) ? rawTasks : {})) {
        const task = id.length <= record_MAX_TASK_ID ? checkTask(value) : undefined;
        if (task)
            tasks.set(id, task);
        else
            dropped++;
    }
    return { contents: { files, tasks }, dropped };
}
/**
 * Reads a file lstat() called regular, without following a link or blocking on a FIFO swapped in
 * meanwhile, and never more than the limit.
 */
async function readSmallFile(file, seen) {
    // O_NOFOLLOW and O_NONBLOCK do not exist on Windows, where neither a FIFO nor a link can be swapped in this way.
    const flags = external_node_fs_namespaceObject.constants.O_RDONLY | (external_node_fs_namespaceObject.constants.O_NOFOLLOW ?? 0) | (external_node_fs_namespaceObject.constants.O_NONBLOCK ?? 0);
    const handle = await (0,external_node_fs_promises_namespaceObject.open)(file, flags);
    try {
        const stats = await handle.stat();
        if (!stats.isFile() || stats.ino !== seen.ino)
            return { kind: 'swapped' };
        const buffer = Buffer.alloc(Math.min(stats.size, MAX_RECORD_BYTES) + 1);
        let length = 0;
        while (length < buffer.length) {
            const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
            if (bytesRead === 0)
                break;
            length += bytesRead;
        }
        if (length > MAX_RECORD_BYTES)
            return { kind: 'large' };
        return { kind: 'text', text: buffer.toString('utf8', 0, length) };
    }
    finally {
        await handle.close();
    }
}
/** One entry with every field checked: the essential ones must be right, the others fall back. */
function checkEntry(value) {
    if (!isPlainObject(value))
        return undefined;
    const { url, path: relPath, bytes, sha256, contentType, mtimeMs } = value;
    if (!isSafeRelPath(relPath))
        return undefined;
    if (!Number.isSafeInteger(bytes) || bytes < 0)
        return undefined;
    if (typeof sha256 !== 'string' || !SHA256.test(sha256))
        return undefined;
    return {
        url: typeof url === 'string' ? url.slice(0, MAX_TEXT) : '',
        path: relPath,
        bytes: bytes,
        sha256,
        contentType: typeof contentType === 'string' && contentType.length <= 200 ? contentType : null,
        mtimeMs: typeof mtimeMs === 'number' && Number.isFinite(mtimeMs) && mtimeMs >= 0 ? mtimeMs : 0
    };
}
function checkTask(value) {
    if (!isPlainObject(value))
        return undefined;
    const { type, files, main, results } = value;
    if (typeof type !== 'string' || type === '' || type.length > 64)
        return undefined;
    if (!Array.isArray(files) || files.length === 0)
        return undefined;
    if (!files.every(k => typeof k === 'string' && KEY.test(k)))
        return undefined;
    const mainCount = Number.isSafeInteger(main) && main >= 1 && main <= files.length
        ? main
        : files.length;
    return {
        type,
        keys: files,
        main: mainCount,
        results: results === 'all' ? 'all' : 'main'
    };
}
/** A relative path this action could have made: every segment already a safe name. */
function isSafeRelPath(relPath) {
    return (typeof relPath === 'string' &&
        relPath.length <= 4096 &&
        relPath.split('/').every(segment => segment !== '' && sanitizeSegment(segment) === segment));
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Archives (e.g. actions/cache's tar) may keep time stamps to the second only. */
function sameSecond(a, b) {
    return Math.trunc(a / 1000) === Math.trunc(b / 1000);
}
function errorCode(error) {
    return error.code ?? errorMessage(error);
}

;// CONCATENATED MODULE: ./src/resolve/governor.ts
// The one gate every kie.ai API call of a run goes through: API slots, a shared answer to rate limits, the lookup cap.

/** The time a call may spend meeting rate limits: five request timeouts, and never under two minutes. */
function rateLimitBudgetMs(timeoutMs) {
    return Math.max(5 * timeoutMs, 120_000);
}
const WINDOW_MS = 1_000;
/**
 * Lookups are spaced evenly, a little wider than the cap asks: a burst of ten at once could reach
 * kie.ai bunched with the next second's (connections and the event loop delay some), and count
 * as more than ten in one of kie.ai's seconds.
 */
const LOOKUP_SPACING_MARGIN = 1.1;
/** The allowed rate never falls below this (one call every two seconds). */
const MIN_RATE = 0.5;
/**
 * After a rate limit the allowed rate is set just under what got through in the last second: that
 * is the API's own rate, measured. Halving it, as TCP does, would leave a quarter of it unused on
 * average; the small margin keeps the next rate limit a few seconds away instead.
 */
const CUT_FACTOR = 0.9;
/** Pauses without Retry-After double while limits keep coming with no success between, up to this. */
const MAX_PAUSE_MS = 30_000;
class Governor {
    concurrency;
    clock;
    budgetMs;
    lookupsPerSecond;
    onPause;
    /*
     * No call goes ahead alone to test the key: that would cost every run one API round trip (with
     * all connections idle) to save a bad key's run a few calls. A bad key or an empty account costs
     * at most `concurrency` calls, those already sent when the first 401/402 comes back; the caller
     * stops the run then, and every queued call sees the stop before it is sent.
     */
    inFlight = 0;
    queue = [];
    /** No call starts before this time (a Retry-After, or the backoff after a rate limit). */
    pausedUntil = 0;
    /** Requests per second; Infinity until the first rate limit: download-url calls are not paced before. */
    rate = Infinity;
    lastStartAt = -Infinity;
    /** When the rate was last cut: answers to calls sent before it belong to the same episode. */
    lastCutAt = -Infinity;
    /** Rate-limit episodes since the last success: the pause without Retry-After doubles with each. */
    streak = 0;
    successTimes = [];
    lookupStarts = [];
    wakeAt = Infinity;
    wakeAbort;
    /** The last rate-limit answer, quoted when a pause would outlast a call's deadline. */
    lastLimit;
    counts = { calls: 0, rateLimited: 0, successes: 0, failures: 0 };
    constructor(options) {
        this.concurrency = Math.max(1, options.concurrency);
        this.clock = options.clock;
        this.budgetMs = options.rateLimitBudgetMs;
        this.lookupsPerSecond = options.lookupsPerSecond ?? 10;
        this.onPause = options.onPause;
    }
    stats() {
        return {
            ...this.counts,
            rate: Number.isFinite(this.rate) ? this.rate : null,
            inFlight: this.inFlight
        };
    }
    /**
     * Runs `call` in an API slot. A rate-limit answer (a TransferError with `rateLimited`) slows every
     * call of the run, frees the slot, and re-sends this call when the governor allows, until it has
     * met rate limits for the budget. Any other outcome is returned or thrown as is.
     *
     * `deadline` (epoch ms by the clock) is when the work this call serves ends, e.g. a task's `wait`:
     * no rate-limit pause keeps the call past it. A call whose pause would end after it gives up at
     * once with a retryable rate-limit error whose `retryAfterMs` is that pause, queued or answered.
     */
    async run(lane, call, signal, deadline = Infinity) {
        let firstLimitedAt;
        for (;;) {
            await this.acquire(lane, signal, deadline);
            const sentAt = this.clock.now();
            let result;
            try {
                result = await call();
            }
            catch (error) {
                this.inFlight--;
                if (!(error instanceof TransferError && error.rateLimited)) {
                    this.counts.failures++;
                    this.pump();
                    throw error;
                }
                this.counts.rateLimited++;
                const now = this.clock.now();
                this.onRateLimited(sentAt, now, error);
                this.pump();
                if (signal?.aborted)
                    throw new CancelledError();
                firstLimitedAt ??= now;
                if (now - firstLimitedAt >= this.budgetMs) {
                    throw new TransferError(`kie.ai kept answering 'rate limited' for ${Math.round(this.budgetMs / 1000)} s, so this call was given up (last answer: ${error.message})`);
                }
                if (this.pausedUntil >= deadline)
                    throw this.pastDeadline(now);
                continue;
            }
            this.inFlight--;
            this.onSuccess();
            this.pump();
            return result;
        }
    }
    /** The error of a call whose deadline comes before the pause ends: the last answer, and the wait it asks. */
    pastDeadline(now) {
        const pauseMs = Math.max(0, this.pausedUntil - now);
        const last = this.lastLimit?.message ?? 'rate limited';
        return new TransferError(`${last} (the pause it asks for, ${(pauseMs / 1000).toFixed(1)} s, ends past this call's deadline)`, { retryable: true, rateLimited: true, retryAfterMs: pauseMs });
    }
    /** Waits for a slot this lane may use now; the slot is taken when this resolves. */
    acquire(lane, signal, deadline) {
        if (signal?.aborted)
            return Promise.reject(new CancelledError());
        return new Promise((resolve, reject) => {
            const onAbort = () => waiter.cancel();
            const leave = (error) => {
                signal?.removeEventListener('abort', onAbort);
                const at = this.queue.indexOf(waiter);
                if (at >= 0)
                    this.queue.splice(at, 1);
                reject(error);
            };
            const waiter = {
                lane,
                deadline,
                start: () => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve();
                },
                cancel: () => {
                    leave(new CancelledError());
                    this.pump();
                },
                fail: leave
            };
            signal?.addEventListener('abort', onAbort, { once: true });
            this.queue.push(waiter);
            this.pump();
        });
    }
    /** Starts every waiting call that may start now, and sets a wake-up for the next one that may not. */
    pump() {
        this.dropPastDeadline();
        while (this.queue.length > 0 && this.inFlight < this.concurrency) {
            const now = this.clock.now();
            // The pause and the pace hold for every lane: a rate limit is the key's, not the endpoint's.
            const gate = Math.max(this.pausedUntil, this.lastStartAt + WINDOW_MS / this.rate);
            if (now < gate)
                return this.wakeUpAt(gate);
            let lookupGate = now;
            const index = this.queue.findIndex(w => {
                if (w.lane !== 'lookup')
                    return true;
                const at = this.nextLookupAt(now);
                lookupGate = at;
                return at <= now;
            });
            if (index < 0)
                return this.wakeUpAt(lookupGate);
            const [waiter] = this.queue.splice(index, 1);
            this.inFlight++;
            this.counts.calls++;
            this.lastStartAt = now;
            if (waiter.lane === 'lookup')
                this.lookupStarts.push(now);
            waiter.start();
        }
        if (this.queue.length === 0)
            this.cancelWakeUp();
    }
    /** Waiters a rate-limit pause would keep past their deadline: told now, not when the pause ends. */
    dropPastDeadline() {
        const now = this.clock.now();
        if (this.pausedUntil <= now)
            return;
        for (const waiter of this.queue.filter(w => w.deadline <= this.pausedUntil)) {
            waiter.fail(this.pastDeadline(now));
        }
    }
    /**
     * The earliest time a lookup may start: never more than `lookupsPerSecond` in any one second,
     * and evenly spaced within it.
     */
    nextLookupAt(now) {
        const starts = this.lookupStarts;
        while (starts.length > 0 && starts[0] <= now - WINDOW_MS)
            starts.shift();
        const spaced = starts.length === 0
            ? now
            : starts[starts.length - 1] +
                Math.round((WINDOW_MS / this.lookupsPerSecond) * LOOKUP_SPACING_MARGIN);
        const windowed = starts.length < this.lookupsPerSecond
            ? now
            : starts[starts.length - this.lookupsPerSecond] + WINDOW_MS;
        return Math.max(now, spaced, windowed);
    }
    wakeUpAt(at) {
        if (at >= this.wakeAt)
            return;
        this.cancelWakeUp();
        this.wakeAt = at;
        const abort = new AbortController();
        this.wakeAbort = abort;
        this.clock.sleep(at - this.clock.now(), abort.signal).then(() => {
            if (this.wakeAbort !== abort)
                return;
            this.wakeAt = Infinity;
            this.wakeAbort = undefined;
            this.pump();
        }, () => { });
    }
    /** Nobody waits: a pending wake-up (up to a Retry-After long) must not keep the process alive. */
    cancelWakeUp() {
        this.wakeAbort?.abort();
        this.wakeAbort = undefined;
        this.wakeAt = Infinity;
    }
    onSuccess() {
        const now = this.clock.now();
        this.counts.successes++;
        this.streak = 0;
        this.successTimes.push(now);
        while (this.successTimes[0] <= now - WINDOW_MS)
            this.successTimes.shift();
        // Additive increase: about one more request per second every second, or 10 % when faster.
        if (Number.isFinite(this.rate))
            this.rate += Math.max(1, this.rate / 10) / this.rate;
    }
    onRateLimited(sentAt, now, error) {
        this.lastLimit = error;
        const asked = error.retryAfterMs;
        // Calls sent before the last cut were sent at the old rate: their answers are that same episode.
        if (sentAt < this.lastCutAt) {
            if (asked !== undefined)
                this.pausedUntil = Math.max(this.pausedUntil, now + asked);
            return;
        }
        this.lastCutAt = now;
        this.streak++;
        while (this.successTimes.length > 0 && this.successTimes[0] <= now - WINDOW_MS) {
            this.successTimes.shift();
        }
        const measured = this.successTimes.length;
        // Nothing got through lately: halve what could be sent, unless the server said when to come back.
        const estimate = measured > 0
            ? measured * CUT_FACTOR
            : asked === undefined
                ? Math.min(this.rate, this.concurrency) / 2
                : this.rate;
        this.rate = Math.max(MIN_RATE, Math.min(this.rate, estimate));
        // Without Retry-After: one interval of the new rate, doubling while nothing gets through.
        const backoff = Math.min(MAX_PAUSE_MS, (WINDOW_MS / this.rate) * 2 ** (this.streak - 1));
        const pause = asked ?? backoff * (0.5 + 0.5 * this.clock.random());
        this.pausedUntil = Math.max(this.pausedUntil, now + pause);
        this.onPause?.(pause, Number.isFinite(this.rate) ? this.rate : null);
    }
}

;// CONCATENATED MODULE: ./src/resolve/kie-api.ts
// The kie.ai download-url API: one call turns a generated file's URL into a signed URL valid for 20 minutes.





/** What each documented code means, for error messages people can act on. */
const CODE_MEANINGS = {
    400: 'bad request',
    401: 'unauthorized: the API key is missing or invalid (check the api-key secret)',
    402: 'insufficient credits on the kie.ai account (top it up, or check the api-key secret)',
    404: 'resource or endpoint not found (check base-url and endpoint)',
    408: 'no result from upstream for over 10 minutes; kie.ai gave the task up',
    422: 'validation error: not a kie.ai file URL, older than 14 days, or no result for this task',
    429: 'rate limited',
    433: 'sub-key limit exceeded: this API key has used up the limit the kie.ai account set for it',
    451: 'kie.ai failed to fetch the image',
    455: 'service under maintenance',
    500: 'kie.ai server error',
    501: 'generation failed',
    505: 'feature disabled'
};
/** What kie.ai's body code means on a task lookup, where it differs from download-url. */
const LOOKUP_MEANINGS = {
    ...CODE_MEANINGS,
    400: 'the task ID is missing or not valid (check task-ids)',
    404: 'task not found'
};
/** Account limits: every other call would be refused the same way, so the run stops. */
const STOP_ALL_CODES = new Set([401, 402, 433]);
/** A lookup answering these has ended the task for good: no later look can change it. */
const TASK_ENDED_CODES = new Set([408, 501]);
/** kie.ai answers with a small JSON envelope; anything bigger is not an answer. */
const MAX_ANSWER_BYTES = 1024 * 1024;
class KieApi {
    baseUrl;
    apiKey;
    http;
    timeoutMs;
    constructor(baseUrl, apiKey, http, timeoutMs) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
        this.timeoutMs = timeoutMs;
    }
    /** One request for a signed URL. The URL is masked before this returns. */
    async resolve(request, signal) {
        const body = request.endpoint === 'gpt4o-image'
            ? { taskId: request.taskId, url: request.url }
            : { url: request.url };
        const what = `kie.ai ${request.endpoint} download-url`;
        const message = await this.http.request({
            method: 'POST',
            url: this.baseUrl + EndpointPaths[request.endpoint],
            what,
            headers: {
                authorization: `Bearer ${this.apiKey}`,
                'content-type': 'application/json',
                accept: 'application/json'
            },
            body: JSON.stringify(body),
            signal
        });
        const status = message.statusCode ?? 0;
        // Parse the text whatever Content-Type says: errors come as JSON under text/html too.
        const text = await this.answer(message, what, signal);
        const envelope = parseEnvelope(text);
        const retryAfterMs = parseRetryAfter(message.headers['retry-after']);
        if (status >= 200 && status < 300 && envelope?.code === 200) {
            if (typeof envelope.data === 'string' && envelope.data.trim() !== '') {
                const signed = envelope.data.trim();
                // Checked first (its errors quote no part of it), so junk in `data` is not made a secret.
                checkSignedUrl(signed, this.baseUrl, what);
                maskSignedUrl(signed);
                return signed;
            }
            throw new TransferError(`${what}: answered code 200 without a download URL in "data"`, {
                retryable: true
            });
        }
        throw apiError(what, status, envelope, text, retryAfterMs);
    }
    /**
     * One look at a task's details: `GET {base}{path}?taskId=...`, returning the envelope's `data`.
     * A 404 "Task Not Found" or 422 "record is null" throws a RecordMissingError (kie.ai says either
     * right after a task is created); a 408 or 501 a TaskEndedError (the task is over, unfinished).
     */
    async lookup(path, taskId, signal) {
        const what = `kie.ai task details (${path})`;
        const message = await this.http.request({
            method: 'GET',
            url: `${this.baseUrl}${path}?taskId=${encodeURIComponent(taskId)}`,
            what,
            headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' },
            signal
        });
        const status = message.statusCode ?? 0;
        const text = await this.answer(message, what, signal);
        const envelope = parseEnvelope(text);
        if (status >= 200 && status < 300 && envelope?.code === 200)
            return envelope.data;
        const retryAfterMs = parseRetryAfter(message.headers['retry-after']);
        // kie.ai's own codes mean the lookup's things; a bare HTTP status means what it means anywhere.
        const meanings = envelope?.code === undefined ? CODE_MEANINGS : LOOKUP_MEANINGS;
        const error = apiError(what, status, envelope, text, retryAfterMs, meanings);
        const code = envelope?.code !== undefined && envelope.code !== 200 ? envelope.code : status;
        const said = oneLine(envelope?.msg ?? '', 60);
        // 404 "Task Not Found" only in kie.ai's envelope: a bare HTTP 404 is more likely a wrong base-url.
        if (envelope?.code === 404 || (code === 422 && RECORD_MISSING.test(envelope?.msg ?? ''))) {
            throw new RecordMissingError(error.message, `${code}${said ? ` "${said}"` : ''}`);
        }
        if (TASK_ENDED_CODES.has(code) && envelope?.code === code) {
            throw new TaskEndedError(error.message);
        }
        throw error;
    }
    /** The answer's text: an envelope of a few KiB, so it must be whole within `timeout` too. */
    answer(message, what, signal) {
        return readText(message, {
            what,
            maxBytes: MAX_ANSWER_BYTES,
            timeoutMs: this.timeoutMs,
            signal,
            wholeMs: this.timeoutMs
        });
    }
}
/** kie.ai's words for "no such task (yet)": `record is null`, `recordInfo is null`. */
const RECORD_MISSING = /\brecord(?:\s*info)? is null\b/i;
/**
 * A signed URL must be http(s) and never weaker than the API itself: an https API handing out an
 * http (or javascript:, file:, ...) URL fails that entry before anything is sent to it.
 */
function checkSignedUrl(signed, baseUrl, what) {
    let url;
    try {
        url = new URL(signed);
    }
    catch {
        throw new TransferError(`${what}: "data" is not a URL`);
    }
    const apiIsHttps = new URL(baseUrl).protocol === 'https:';
    const allowed = apiIsHttps ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(url.protocol)) {
        throw new TransferError(`${what}: refused a download URL with scheme "${oneLine(scrub(url.protocol), 20)}" (expected ${allowed.join(' or ')}${apiIsHttps ? ', as the API is https' : ''})`);
    }
    if (url.username || url.password) {
        throw new TransferError(`${what}: refused a download URL carrying credentials`);
    }
}
/** The `{code, msg, data}` envelope, or undefined when the text is not one. */
function parseEnvelope(text) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return undefined;
    // The Market page's example once writes `message` where every other writes `msg`.
    const { code, msg, message, data } = parsed;
    const numeric = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
    return {
        code: typeof numeric === 'number' && Number.isInteger(numeric) ? numeric : undefined,
        msg: typeof msg === 'string' ? msg : typeof message === 'string' ? message : undefined,
        data
    };
}
/** An error naming the code, its documented meaning and kie.ai's own words. */
function apiError(what, status, envelope, text, retryAfterMs, meanings = CODE_MEANINGS) {
    const httpOk = status >= 200 && status < 300;
    // The body code is kie.ai's verdict when it gives one; otherwise the HTTP status speaks.
    const bodyCode = envelope?.code !== undefined && envelope.code !== 200 ? envelope.code : undefined;
    const code = bodyCode ?? (httpOk ? undefined : status);
    if (code === undefined) {
        return new TransferError(`${what}: answer is not a kie.ai envelope (HTTP ${status})`, {
            retryable: true
        });
    }
    const meaning = meanings[code] ?? (code >= 500 ? 'server error' : 'request refused');
    // kie.ai's own words may echo the key (a proxy quoting the request): scrubbed before they go anywhere.
    const said = envelope?.msg ? `: "${oneLine(scrub(envelope.msg), 200)}"` : plainTextHint(text);
    // "answered 401 (HTTP 200)" says how it came; "answered 403 (HTTP 403)" says nothing twice.
    const via = code === status || (bodyCode !== undefined && httpOk) ? '' : ` (HTTP ${status})`;
    // kie.ai's envelope speaks for the answer: an HTTP 408 whose body says 408 is final, not a timeout.
    const retryable = bodyCode !== undefined ? RETRYABLE_KIE_CODES.has(bodyCode) : RETRYABLE_STATUSES.has(status);
    return new TransferError(`${what} answered ${code}${via}: ${meaning}${said}`, {
        retryable,
        retryAfterMs: retryable ? retryAfterMs : undefined,
        stopAll: STOP_ALL_CODES.has(code),
        // Body code 429 (kie.ai's usual HTTP 200 form) or HTTP 429: the run's API governor slows every
        // call down and re-sends this one; it is not a fault and spends none of `retries`.
        rateLimited: code === 429 || status === 429
    });
}
/** A non-JSON answer, e.g. Cloudflare's `error code: 1010`, summarised with what it usually means. */
function plainTextHint(text) {
    const cloudflare = /error code: (\d+)/i.exec(text);
    if (cloudflare) {
        return `: Cloudflare "error code: ${cloudflare[1]}" (the request was blocked on its way, not a bad key)`;
    }
    const snippet = oneLine(scrub(text), 120);
    return snippet ? `: "${snippet}"` : '';
}

;// CONCATENATED MODULE: ./src/tasks/read.ts
// Defensive readers for task-details answers: any shape goes in, plain values come out, nothing throws.

/**
 * The object at `value`; a JSON string holding an object is parsed (kie.ai sends `resultJson` and
 * `resultInfoJson` as strings on some pages and as objects on others). Anything else gives {}.
 */
function obj(value) {
    if (typeof value === 'string') {
        const text = value.trim();
        if (!text.startsWith('{'))
            return {};
        try {
            return obj(JSON.parse(text));
        }
        catch {
            return {};
        }
    }
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}
/** The array at `value` ({} and scalars give []); a JSON string holding an array is parsed. */
function list(value) {
    if (typeof value === 'string' && value.trim().startsWith('[')) {
        try {
            return list(JSON.parse(value));
        }
        catch {
            return [];
        }
    }
    return Array.isArray(value) ? value : [];
}
/** The first of `keys` that `from` holds with a value other than undefined/null. */
function pick(from, ...keys) {
    for (const key of keys)
        if (from[key] !== undefined && from[key] !== null)
            return from[key];
    return undefined;
}
/** True for an absolute http(s) URL string: the only thing that counts as a result file. */
function isHttpUrl(value) {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value))
        return false;
    try {
        new URL(value);
        return true;
    }
    catch {
        return false;
    }
}
/** The http(s) URLs among `values` (strings, or arrays of them), in order, each once. */
function urls(...values) {
    const found = values.flatMap(v => (Array.isArray(v) ? v : [v])).filter(isHttpUrl);
    return [...new Set(found)];
}
/**
 * A raw value as short text for logs and errors: strings as they are, others as JSON. Every text
 * read here comes from kie.ai, so it is scrubbed of the key and signatures it might echo.
 */
function rawText(value, max = 60) {
    if (value === undefined)
        return '';
    if (typeof value === 'string')
        return oneLine(scrub(value), max);
    try {
        return oneLine(scrub(JSON.stringify(value) ?? ''), max);
    }
    catch {
        return '';
    }
}
/** A code worth showing: non-empty strings and numbers other than 0 (kie.ai's "no code"). */
function codeText(value) {
    if (typeof value === 'number' && Number.isFinite(value) && value !== 0)
        return String(value);
    if (typeof value === 'string' && value.trim() !== '' && value.trim() !== '0') {
        return oneLine(scrub(value), 40);
    }
    return '';
}
/** A non-empty message string, flattened and capped, else ''. */
function messageText(value) {
    return typeof value === 'string' ? oneLine(scrub(value), 300) : '';
}
/**
 * A moment kie.ai reports (`createTime`) as epoch ms: epoch ms or seconds as a number or a digit
 * string, or a date text Date.parse reads; anything else, or a moment before 2020, gives null.
 */
function timeMs(value) {
    const text = typeof value === 'string' ? value.trim() : '';
    const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    const ms = Number.isFinite(n) ? (n < 1e11 ? n * 1000 : n) : text ? Date.parse(text) : NaN;
    return Number.isFinite(ms) && ms >= Date.UTC(2020, 0, 1) ? Math.round(ms) : null;
}

;// CONCATENATED MODULE: ./src/tasks/families.ts
// The kie.ai model families in task mode: where each one's task details live and how to read them.


/** Named status values in words, compared case-insensitively; each family's own flags are in its `words`. */
const STATUS_WORDS = {
    WAIT: 'waiting',
    WAITING: 'waiting',
    QUEUING: 'queuing',
    QUEUEING: 'queuing',
    GENERATING: 'generating',
    PENDING: 'pending',
    TEXT_SUCCESS: 'lyrics ready',
    FIRST_SUCCESS: 'first track ready',
    SUCCESS: 'success',
    FAIL: 'failed',
    CALLBACK_EXCEPTION: 'success, callback failed',
    CREATE_TASK_FAILED: 'task creation failed',
    GENERATE_FAILED: 'generation failed',
    GENERATE_AUDIO_FAILED: 'generation failed',
    GENERATE_WAV_FAILED: 'generation failed',
    GENERATE_MP4_FAILED: 'generation failed',
    SENSITIVE_WORD_ERROR: 'refused for sensitive words'
};
const FLAG = {
    status: ['successFlag'],
    running: ['0'],
    success: ['1'],
    failed: ['2', '3'],
    words: { 0: 'generating', 1: 'success', 2: 'failed', 3: 'generation failed' }
};
const response = (d) => obj(d.response);
const resultUrls = (o) => pick(o, 'resultUrls', 'result_urls');
const sunoSide = (failed) => ({
    // One page writes `status` where the others write `successFlag` (a string here).
    status: ['successFlag', 'status'],
    running: ['PENDING'],
    success: ['SUCCESS'],
    failed: ['CREATE_TASK_FAILED', failed],
    successWithFiles: ['CALLBACK_EXCEPTION'],
    failure: 'error'
});
/** The table: one entry per `task-type`. A new family is one more entry. */
const FAMILY_SPECS = {
    market: {
        path: '/api/v1/jobs/recordInfo',
        // `successFlag` beside `state` (0 waiting/queuing/generating, 1 success, 3 fail).
        status: ['state', 'successFlag'],
        running: ['waiting', 'queuing', 'generating', '0'],
        success: ['success', '1'],
        failed: ['fail', '3'],
        failure: 'fail',
        words: { 0: 'in progress', 1: 'success', 3: 'failed' },
        main: d => marketMain(marketResult(d)),
        extras: d => marketExtras(marketResult(d)),
        noFile: d => marketNoFile(marketResult(d))
    },
    '4o-image': {
        path: '/api/v1/gpt4o-image/record-info',
        status: ['status', 'successFlag'],
        running: ['GENERATING', '0'],
        success: ['SUCCESS', '1'],
        failed: ['CREATE_TASK_FAILED', 'GENERATE_FAILED', '2'],
        failure: 'error',
        words: { 0: 'generating', 1: 'success', 2: 'failed' },
        main: d => [resultUrls(response(d))]
    },
    'flux-kontext': {
        path: '/api/v1/flux/kontext/record-info',
        ...FLAG,
        failure: 'error',
        main: d => [response(d).resultImageUrl],
        extras: d => [response(d).originImageUrl]
    },
    veo: {
        path: '/api/v1/veo/record-info',
        ...FLAG,
        failure: 'error',
        main: d => [resultUrls(response(d))],
        extras: d => [response(d).originUrls, response(d).fullResultUrls]
    },
    runway: {
        path: '/api/v1/runway/record-detail',
        status: ['state'],
        running: ['wait', 'queueing', 'generating'],
        success: ['success'],
        failed: ['fail'],
        failure: 'fail',
        main: d => [obj(d.videoInfo).videoUrl],
        extras: d => [obj(d.videoInfo).imageUrl]
    },
    aleph: {
        path: '/api/v1/aleph/record-info',
        status: ['successFlag'],
        running: [],
        success: ['1'],
        failed: [],
        runningUnlessMessage: ['0'],
        failure: 'error',
        words: { 0: 'generating', 1: 'success' },
        main: d => [response(d).resultVideoUrl],
        extras: d => [response(d).resultImageUrl]
    },
    luma: {
        path: '/api/v1/modify/record-info',
        ...FLAG,
        // 4: the callback failed, the files exist.
        success: ['1', '4'],
        failure: 'error',
        words: { ...FLAG.words, 4: 'success, callback failed' },
        main: d => [resultUrls(response(d))],
        extras: d => [response(d).originUrls]
    },
    midjourney: {
        path: '/api/v1/mj/record-info',
        ...FLAG,
        failure: 'error',
        main: d => list(resultUrls(obj(d.resultInfoJson))).map(e => typeof e === 'string' ? e : obj(e).resultUrl)
    },
    suno: {
        path: '/api/v1/generate/record-info',
        status: ['status'],
        // TEXT_SUCCESS and FIRST_SUCCESS are partial: the last track is still coming.
        running: ['PENDING', 'TEXT_SUCCESS', 'FIRST_SUCCESS'],
        success: ['SUCCESS'],
        failed: ['CREATE_TASK_FAILED', 'GENERATE_AUDIO_FAILED', 'SENSITIVE_WORD_ERROR'],
        successWithFiles: ['CALLBACK_EXCEPTION'],
        failure: 'error',
        // Never `source*` URLs: those are suno.ai's own copies, not kie.ai's files.
        main: d => sunoTracks(d).map(t => pick(t, 'audioUrl', 'audio_url')),
        extras: d => sunoTracks(d).flatMap(t => [
            pick(t, 'imageUrl', 'image_url'),
            pick(t, 'streamAudioUrl', 'stream_audio_url')
        ])
    },
    'suno-wav': {
        path: '/api/v1/wav/record-info',
        ...sunoSide('GENERATE_WAV_FAILED'),
        main: d => [response(d).audioWavUrl]
    },
    'suno-stems': {
        path: '/api/v1/vocal-removal/record-info',
        ...sunoSide('GENERATE_AUDIO_FAILED'),
        // vocalUrl, instrumentalUrl, drumsUrl, ... (up to 12); originUrl is the input track.
        main: d => Object.entries(response(d))
            .filter(([key]) => key.endsWith('Url') && key !== 'originUrl')
            .map(([, value]) => value),
        extras: d => [response(d).originUrl]
    },
    'suno-mp4': {
        path: '/api/v1/mp4/record-info',
        ...sunoSide('GENERATE_MP4_FAILED'),
        main: d => [response(d).videoUrl]
    },
    'suno-cover': {
        path: '/api/v1/suno/cover/record-info',
        ...FLAG,
        failure: 'error',
        main: d => [list(response(d).images)]
    }
};
function sunoTracks(d) {
    return list(pick(response(d), 'sunoData', 'suno_data')).map(obj);
}
/**
 * The Market result: `data.response` (resultJson already parsed; kie.ai says prefer it), else
 * `resultJson` (a JSON string, or an object). A response that lists no file yields to a
 * resultJson that does.
 */
function marketResult(d) {
    const response = obj(d.response);
    const parsed = obj(d.resultJson);
    if (marketMain(response).length > 0)
        return response;
    if (marketMain(parsed).length > 0)
        return parsed;
    return Object.keys(response).length > 0 ? response : parsed;
}
/** Suno through Market: tracks at `data[]`, snake_case as documented, camelCase accepted. */
function marketTracks(r) {
    return list(pick(r, 'data', 'sunoData')).map(obj);
}
/** `resultUrls`, else Suno's tracks, else OmniHuman's masks: the first that lists a file. */
function marketMain(r) {
    const masks = obj(r.resultObject);
    const found = [
        [resultUrls(r)],
        marketTracks(r).map(t => pick(t, 'audio_url', 'audioUrl')),
        [pick(masks, 'mask_urls', 'maskUrls')]
    ];
    return found.find(candidates => urls(...candidates).length > 0) ?? [];
}
function marketExtras(r) {
    return [
        r.resultWaterMarkUrls,
        ...marketTracks(r).flatMap(t => [
            pick(t, 'image_url', 'imageUrl'),
            pick(t, 'stream_audio_url', 'streamAudioUrl')
        ]),
        pick(r, 'firstFrameUrl', 'first_frame_url'),
        pick(r, 'lastFrameUrl', 'last_frame_url')
    ];
}
/** A text model (lyrics, MIDI, chat) answers `resultObject` instead of files. */
function marketNoFile(r) {
    const text = r.resultObject;
    if (text === undefined || text === null)
        return null;
    const what = list(obj(text).lyricsData).length > 0 ? 'lyrics' : 'text';
    return `its result is ${what} (resultObject), not a file`;
}
/** The reader for one family's answers. */
function adapter(spec) {
    return { path: spec.path, read: data => readTask(spec, data) };
}
const FAMILIES = Object.fromEntries(FAMILY_NAMES.map(name => [name, adapter(FAMILY_SPECS[name])]));
function readTask(spec, data) {
    const d = obj(data);
    const field = spec.status.find(f => d[f] !== undefined && d[f] !== null);
    const raw = field === undefined ? '' : rawText(d[field]);
    const main = safeUrls(() => spec.main(d));
    const extras = safeUrls(() => spec.extras?.(d) ?? []).filter(u => !main.includes(u));
    const progressValue = d.progress;
    const view = {
        state: 'unknown',
        raw: raw || '(no status)',
        status: statusWord(spec, field, raw),
        progress: typeof progressValue === 'string' || typeof progressValue === 'number'
            ? rawText(progressValue, 20) || null
            : null,
        main,
        extras,
        error: null,
        noFile: main.length > 0 ? null : safeText(() => spec.noFile?.(d) ?? null),
        createdAt: timeMs(d.createTime)
    };
    const is = (values) => raw !== '' && (values ?? []).some(v => v.toUpperCase() === raw.trim().toUpperCase());
    const reason = failureReason(spec, d);
    if (is(spec.success))
        view.state = 'success';
    else if (is(spec.running))
        view.state = 'running';
    else if (is(spec.failed))
        view.state = 'failed';
    else if (is(spec.successWithFiles))
        view.state = main.length > 0 ? 'success' : 'failed';
    else if (is(spec.runningUnlessMessage))
        view.state = reason.message ? 'failed' : 'running';
    if (view.state === 'failed') {
        const details = [reason.code && `code ${reason.code}`, `${field} ${raw}`].filter(Boolean);
        view.error = `${reason.message || 'kie.ai gave no reason'} (${details.join(', ')})`;
    }
    return view;
}
function failureReason(spec, d) {
    return spec.failure === 'fail'
        ? { code: codeText(d.failCode), message: messageText(d.failMsg) }
        : { code: codeText(d.errorCode), message: messageText(d.errorMessage) };
}
/** The status in words: the family's word for a flag, the shared word for a name, else field and value. */
function statusWord(spec, field, raw) {
    if (field === undefined || raw === '')
        return 'no status';
    const value = raw.trim();
    return spec.words?.[value] ?? STATUS_WORDS[value.toUpperCase()] ?? `${field} ${value}`;
}
function safeText(get) {
    try {
        return get();
    }
    catch {
        return null;
    }
}
/** The http(s) URLs a getter finds; a getter tripping over an odd shape finds none. */
function safeUrls(get) {
    try {
        return urls(...get());
    }
    catch {
        return [];
    }
}

;// CONCATENATED MODULE: ./src/tasks/task-wait.ts
/** kie.ai documents polling every 2-5 s at first, then 15-30 s. */
const FIRST_INTERVAL_MS = 3_000;
const MAX_INTERVAL_MS = 30_000;
const INTERVAL_GROWTH = 1.5;
/** Never two lookups of one task within this (4o and Suno allow 3 per second per task). */
const MIN_SPACING_MS = 1_000;
/**
 * A task being waited for: each look is taken in (take), then the wait either looks again
 * (nextLookAt) or ends (giveUp). No I/O and no clock: times come in as arguments.
 */
class TaskWait {
    task;
    startedAt;
    /** The last status in words ("generating"), or "no answer yet" / "not found yet" before any. */
    status = 'no answer yet';
    progress = null;
    #deadline;
    #graceMs;
    #interval = FIRST_INTERVAL_MS;
    #looks = 0;
    #firstLookAt;
    #lastLookAt = 0;
    /** Whether kie.ai ever answered with the task's details. */
    #found = false;
    /** What kie.ai said while it did not know the task: `404 "Task Not Found"`, `422 "record is null"`. */
    #missing = new Set();
    /** The last lookup error since the last answer, for the timeout's message. */
    #lastError;
    #retryAfterMs = 0;
    #unknownSeen = new Set();
    constructor(task, options) {
        this.task = task;
        this.startedAt = options.startedAt;
        this.#deadline = options.deadline;
        this.#graceMs = options.graceMs;
    }
    /** Takes in one look, answered at `at`: the outcome when it settles the task. */
    take(look, at) {
        this.#looks += 1;
        // Spacing counts from the answer: a lookup may have queued behind the run's lookup cap, and
        // the next one must still come at least the interval after this one reached kie.ai.
        this.#lastLookAt = at;
        this.#firstLookAt ??= at;
        this.#retryAfterMs = look.kind === 'error' ? look.retryAfterMs : 0;
        switch (look.kind) {
            case 'seen':
                return this.#seen(look.view, at);
            case 'missing':
                this.#missing.add(look.answer);
                if (!this.#found)
                    this.status = 'not found yet';
                return { kind: 'going' };
            case 'ended':
                return this.#failed(look.error, at);
            case 'refused':
                return this.#failed(`could not be looked up: ${look.error}`, at);
            case 'error':
                this.#lastError = look.error;
                return { kind: 'going' };
        }
    }
    /**
     * When to look next (epoch ms), or undefined when no look is left: the end (the deadline, or the
     * grace period's end for a task kie.ai has never heard of) has come, kie.ai asked to come back
     * only after it, or the next look would come less than MIN_SPACING_MS after the last.
     * `random` in [0, 1) jitters the interval by ±10 %.
     */
    nextLookAt(now, random) {
        const lookedAt = this.#lastLookAt;
        const endAt = this.#endAt();
        const wait = Math.min(MAX_INTERVAL_MS, this.#interval * (0.9 + 0.2 * random));
        this.#interval = Math.min(MAX_INTERVAL_MS, this.#interval * INTERVAL_GROWTH);
        const nextAt = Math.min(lookedAt + Math.max(wait, this.#retryAfterMs), endAt);
        // Asked to come back only after the end (a Retry-After, a rate-limit pause): no look is left.
        const askedPast = lookedAt + this.#retryAfterMs > endAt;
        if (now >= endAt || askedPast || nextAt - lookedAt < MIN_SPACING_MS)
            return undefined;
        return nextAt;
    }
    /** The outcome when no look is left: not found when kie.ai never knew the task, else timed out. */
    giveUp(now) {
        const ms = now - this.startedAt;
        if (this.#notFound()) {
            return { state: 'failed', error: this.#notFoundMessage(ms), ms };
        }
        return { state: 'timeout', error: this.#timeoutMessage(ms), ms };
    }
    #seen(view, at) {
        this.#found = true;
        this.#lastError = undefined;
        this.status = view.status;
        this.progress = view.progress;
        if (view.state === 'success') {
            if (view.main.length === 0) {
                const why = view.noFile ? `: ${view.noFile}` : '';
                return this.#failed(`finished, but produced no file to download${why}`, at);
            }
            const { main, extras, createdAt } = view;
            const ms = at - this.startedAt;
            const outcome = {
                state: 'success',
                main,
                extras,
                ms,
                createdAt: createdAt ?? undefined
            };
            return { kind: 'done', outcome };
        }
        // The reason alone: the log and the error name the task (family and ID) in front of it.
        if (view.state === 'failed')
            return this.#failed(view.error ?? 'kie.ai gave no reason', at);
        if (view.state === 'unknown' && !this.#unknownSeen.has(view.raw)) {
            this.#unknownSeen.add(view.raw);
            return { kind: 'going', newUnknown: view.raw };
        }
        return { kind: 'going' };
    }
    #failed(error, at) {
        return { kind: 'done', outcome: { state: 'failed', error, ms: at - this.startedAt } };
    }
    /** A task kie.ai has never heard of gets the grace period, not the whole wait. */
    #notFound() {
        return this.#missing.size > 0 && !this.#found;
    }
    #endAt() {
        const firstLookAt = this.#firstLookAt ?? this.startedAt;
        return this.#notFound() ? Math.min(this.#deadline, firstLookAt + this.#graceMs) : this.#deadline;
    }
    #notFoundMessage(ms) {
        const looks = this.#looks;
        const when = looks === 1 ? 'at its only look' : `${looks} times over ${task_wait_seconds(ms)} s`;
        return (`not found: kie.ai answered ${[...this.#missing].join(' and ')} ${when}. ` +
            `Check task-type (the task may belong to another family than ${this.task.type}) and that the ` +
            'task is less than 14 days old.');
    }
    #timeoutMessage(ms) {
        const status = [this.status, formatProgress(this.progress)].filter(Boolean).join(', ');
        const last = this.#lastError ? `last error: ${this.#lastError}` : `last status: ${status}`;
        if (this.#looks === 1) {
            const what = this.#found || !this.#lastError ? 'not finished' : 'no answer from kie.ai';
            return `${what} at the first look, and wait allows no more time (${last})`;
        }
        const what = this.#found ? 'still generating' : 'no answer from kie.ai';
        return `${what} after ${task_wait_seconds(ms)} s (${last})`;
    }
}
/** kie.ai's progress for people: "0.48" is 48%. */
function formatProgress(progress) {
    if (progress === null || progress.trim() === '')
        return '';
    const value = Number(progress);
    if (!Number.isFinite(value) || value < 0)
        return progress;
    if (value <= 1)
        return `${Math.round(value * 100)}%`;
    return value <= 100 ? `${Math.round(value)}%` : progress;
}
function task_wait_seconds(ms) {
    return Math.round(ms / 1000);
}

;// CONCATENATED MODULE: ./src/tasks/watch.ts
// Waits for kie.ai tasks: polls each task's details with a growing interval until it ends or the deadline passes.




/** kie.ai answers 404 "Task Not Found" or 422 "record is null" right after a task is created. */
const DEFAULT_GRACE_MS = 90_000;
class TaskWatcher {
    #options;
    #graceMs;
    #running = new Set();
    constructor(options) {
        this.#options = options;
        this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    }
    /** Waits for one task. Rejects only on cancel (CancelledError) or a stop-all error (401/402/433). */
    async watch(task) {
        const wait = new TaskWait(task, {
            startedAt: this.#options.clock.now(),
            deadline: this.#options.deadline,
            graceMs: this.#graceMs
        });
        this.#running.add(wait);
        try {
            return await this.#poll(wait);
        }
        finally {
            this.#running.delete(wait);
        }
    }
    /** The tasks being waited for, with their last status. */
    running() {
        const now = this.#options.clock.now();
        return [...this.#running].map(w => ({
            ...w.task,
            status: w.status,
            progress: w.progress,
            sinceMs: now - w.startedAt
        }));
    }
    /** Looks until a look settles the task or no look is left, sleeping between looks. */
    async #poll(wait) {
        const { clock, signal } = this.#options;
        for (;;) {
            if (signal.aborted)
                throw new CancelledError();
            const look = await this.#look(wait.task);
            const verdict = wait.take(look, clock.now());
            if (verdict.kind === 'done')
                return verdict.outcome;
            if (verdict.newUnknown !== undefined) {
                this.#options.onUnknownStatus?.(wait.task, verdict.newUnknown);
            }
            const nextAt = wait.nextLookAt(clock.now(), clock.random());
            if (nextAt === undefined)
                return wait.giveUp(clock.now());
            await clock.sleep(Math.max(0, nextAt - clock.now()), signal);
        }
    }
    /** One look at the task's details. Throws only on cancel or a stop-all error. */
    async #look(task) {
        const { lookup, signal } = this.#options;
        try {
            return {
                kind: 'seen',
                view: FAMILIES[task.type].read(await lookup(task.type, task.taskId, signal))
            };
        }
        catch (raw) {
            if (signal.aborted || raw instanceof CancelledError)
                throw new CancelledError();
            if (isRecordMissing(raw)) {
                return { kind: 'missing', answer: raw.answer ?? '422 "record is null"' };
            }
            if (isTaskEnded(raw))
                return { kind: 'ended', error: raw.message };
            const error = classify(raw);
            if (error.stopAll)
                throw error;
            if (!error.retryable)
                return { kind: 'refused', error: error.message };
            return { kind: 'error', error: error.message, retryAfterMs: error.retryAfterMs ?? 0 };
        }
    }
}

;// CONCATENATED MODULE: ./src/pipeline/namer.ts
// Names files in input order as their facts arrive, so the same input gives the same names whatever finishes first.



/**
 * Walks the listings in input order. A name is decided as soon as everything before it is named and
 * its own extension is known (from the URL, or from the response's Content-Type): only a name that
 * waits for an earlier entry waits. `{index}` counts files, each task's results in its place.
 */
class Namer {
    /** The listing it is at, and the job within it. */
    at = 0;
    inListing = 0;
    index = 0;
    listings;
    template;
    registry;
    /** Whether names are decided from the list alone, and whether the extension changes a name. */
    fromListOnly;
    extMatters;
    constructor(listings, template, registry, options = {}) {
        this.listings = listings;
        this.template = template;
        this.registry = registry;
        this.fromListOnly = options.fromListOnly ?? false;
        this.extMatters = extPlacement(template) !== 'none';
    }
    /** Names all it can now; returns what it waits for next, or null when every listing is named. */
    advance() {
        for (; this.at < this.listings.length; this.at++, this.inListing = 0) {
            const l = this.listings[this.at];
            let jobs;
            if (l.kind === 'url')
                jobs = [l.job];
            else {
                const settled = l.jobs.peek();
                if (!settled)
                    return l.jobs.promise;
                jobs = settled.value;
                if (jobs.length === 0 && l.placeholderIndex === undefined)
                    l.placeholderIndex = ++this.index;
            }
            for (; this.inListing < jobs.length; this.inListing++) {
                const waitFor = this.tryName(jobs[this.inListing]);
                if (waitFor)
                    return waitFor;
            }
        }
        return null;
    }
    /** Names every listing, waiting for facts as needed. */
    async run() {
        for (let waitFor = this.advance(); waitFor; waitFor = this.advance())
            await waitFor;
    }
    tryName(job) {
        if (this.fromListOnly && job.name === null && !job.urlName.ext) {
            this.nameLater(job);
            return null;
        }
        if (job.name === null) {
            const first = repeatOf(job);
            if (first) {
                if (!first.named.peek())
                    return first.named.promise;
                job.name = first.name;
            }
            else {
                // From the list alone, an extension the name does not show is not waited for.
                const ext = job.urlName.ext || (this.fromListOnly ? '' : job.ext.peek());
                if (ext === undefined)
                    return job.ext.promise;
                const chosen = typeof ext === 'string' ? ext : ext.value;
                job.index = this.index + 1;
                job.name = this.registry.claim(renderName(this.template, {
                    ...job.urlName,
                    ext: chosen,
                    index: job.index,
                    n: job.n,
                    taskId: job.taskId
                }), chosen);
            }
        }
        job.index = ++this.index;
        job.named.resolve();
        return null;
    }
    /**
     * From the list alone: a URL without an extension (or a repeat of one) takes its place and its
     * `{index}` now, and its name once its response says what extension it gets.
     */
    nameLater(job) {
        job.index = ++this.index;
        const first = repeatOf(job);
        if (first) {
            void first.named.promise.then(() => {
                job.name = first.name;
                job.named.resolve();
            });
            return;
        }
        const parts = { ...job.urlName, ext: '', index: job.index, n: job.n, taskId: job.taskId };
        const base = renderName(this.template, parts);
        if (!this.extMatters) {
            job.name = this.registry.claim(base, '');
            job.named.resolve();
            return;
        }
        const open = this.registry.claimOpen(base);
        job.openBase = open;
        void job.ext.promise.then(ext => {
            job.name = open + ext;
            job.named.resolve();
        });
    }
}

;// CONCATENATED MODULE: ./src/pipeline/transfer-slots.ts
// Transfer slots: at most `size` downloads at once, and a spare slot for a big tail when nobody waits.
/**
 * A counting semaphore with a FIFO queue. `take()` hands out a slot only when it is free and
 * nobody waits and `busyElsewhere()` says no other work is on its way to a slot: that is what lets
 * a big last file split its rest over connections that would otherwise sit idle.
 */
class TransferSlots {
    free;
    /** Slots held through run() (whole downloads), as opposed to spare ones handed out by take(). */
    running = 0;
    waiting = [];
    busyElsewhere;
    constructor(size, busyElsewhere = () => false) {
        this.free = size;
        this.busyElsewhere = busyElsewhere;
    }
    /** Waits for a slot; rejects with the signal's reason when it aborts first. */
    async acquire(signal) {
        if (this.free > 0 && this.waiting.length === 0) {
            this.free--;
            return this.releaser();
        }
        return new Promise((resolve, reject) => {
            const grant = () => {
                signal?.removeEventListener('abort', onAbort);
                resolve(this.releaser());
            };
            const onAbort = () => {
                const at = this.waiting.indexOf(grant);
                if (at >= 0)
                    this.waiting.splice(at, 1);
                reject(signal?.reason);
            };
            this.waiting.push(grant);
            signal?.addEventListener('abort', onAbort, { once: true });
        });
    }
    /** Runs `task` holding a slot. */
    async run(task, signal) {
        const release = await this.acquire(signal);
        this.running++;
        try {
            return await task();
        }
        finally {
            this.running--;
            release();
        }
    }
    /** A slot at once if one is idle and no other work is coming for it, else null. */
    take() {
        if (this.free === 0 || this.waiting.length > 0 || this.busyElsewhere())
            return null;
        this.free--;
        return this.releaser();
    }
    releaser() {
        let released = false;
        return () => {
            if (released)
                return;
            released = true;
            const next = this.waiting.shift();
            if (next)
                next();
            else
                this.free++;
        };
    }
}

;// CONCATENATED MODULE: ./src/pipeline/open.ts
// Opening a run: the destination locked, the record read, and every tool of the stages built whole before anything starts.

















/**
 * Opens the destination, waits for its lock and reads its record, then builds the rest. What was
 * opened is closed again when a later step of this fails.
 */
async function openRun(settings, listings, stop, deps) {
    const dest = await openDestination(settings.dir);
    const http = new Http(settings.timeoutMs, settings.concurrency);
    let release;
    try {
        release = await acquireLock(dest.dir, {
            timeoutMs: settings.timeoutMs,
            signal: deps.signal,
            onWait: message => core_info(message)
        }).catch((error) => {
            throw dest.diskFull(error) ?? error;
        });
        const record = await DownloadRecord.load(dest.dir, settings.filename, message => core_warning(message));
        return build(settings, listings, stop, deps, { dest, http, record, release });
    }
    catch (error) {
        http.dispose();
        await release?.();
        await dest.close();
        throw error;
    }
}
/** The tools that open nothing, around what openRun opened. */
function build(settings, listings, stop, deps, opened) {
    const { dest, http, record } = opened;
    const { clock } = deps;
    const registry = new NameRegistry();
    // Sharded: every shard names every entry from the whole list alone, so that they agree.
    const fromListOnly = settings.shard !== null;
    const namer = new Namer(listings, settings.filename, registry, { fromListOnly });
    const api = new KieApi(settings.baseUrl, settings.apiKey, http, settings.timeoutMs);
    const governor = newGovernor(settings, clock);
    const { pool, transferSlots } = newPool(settings.concurrency);
    const policy = {
        retries: settings.retries,
        clock,
        onRetry: notice => logRetry(notice.what, notice)
    };
    const { timeoutMs } = settings;
    const { signal } = deps;
    return {
        dest,
        record,
        registry,
        namer,
        http,
        api,
        governor,
        pool,
        transferSlots,
        policy,
        fetch: {
            api,
            http,
            dest,
            governor,
            transferSlots,
            policy,
            clock,
            timeoutMs,
            signal,
            stop,
            onProgress: logProgress
        },
        placement: { dest, record, ifExists: settings.ifExists, sharded: fromListOnly, stop, signal },
        watcher: newWatcher(settings, api, governor, stop, deps),
        close: () => open_close(opened)
    };
}
/**
 * `concurrency` bounds API calls and downloads, each. Up to four times as many files are under
 * way, so API calls run ahead of the downloads: while long videos hold the transfer slots, the
 * images after them get their signed URLs and are ready the moment a slot frees. (Twice left the
 * API idle behind busy slots in the bench's mix.)
 */
function newPool(concurrency) {
    const pool = pLimit(concurrency * 4);
    const transferSlots = new TransferSlots(concurrency, 
    // Work still on its way to a transfer slot (queued, resolving, or between retries).
    () => pool.pendingCount > 0 || pool.activeCount > transferSlots.running);
    return { pool, transferSlots };
}
function newGovernor(settings, clock) {
    return new Governor({
        concurrency: settings.concurrency,
        clock,
        rateLimitBudgetMs: rateLimitBudgetMs(settings.timeoutMs),
        onPause: (pauseMs, rate) => core_info(`kie.ai is rate-limiting this key: every API call waits ${(pauseMs / 1000).toFixed(1)} s${rate === null ? '' : `, then goes on at ${rate.toFixed(1)} calls per second`}.`)
    });
}
/** Looks tasks up through the governor until the step's start + `wait`, and not once the run stopped. */
function newWatcher(settings, api, governor, stop, deps) {
    // No lookup, nor a rate-limit pause it meets, lasts past the deadline.
    const deadline = deps.startedAt + settings.waitMs;
    return new TaskWatcher({
        lookup: (type, taskId, signal) => governor.run('lookup', () => {
            stop.check();
            return api.lookup(FAMILIES[type].path, taskId, signal).catch(stop.escalate);
        }, signal, deadline),
        clock: deps.clock,
        deadline,
        signal: stop.signal,
        onUnknownStatus: (task, raw) => core_info(`Task ${task.taskId} (${task.type}) answered a status no document names: "${oneLine(raw, 60)}"; still waiting.`)
    });
}
/** Connections closed, the record saved (a failure is only a warning), the lock released. */
async function open_close(opened) {
    opened.http.dispose();
    try {
        await opened.record.save();
    }
    catch (error) {
        // The files are fine; only the next `if-exists: skip` run loses its shortcut.
        const why = errorMessage(opened.dest.diskFull(error) ?? error);
        core_warning(`Could not save the record of this run's files: ${why}`);
    }
    await opened.release();
    await opened.dest.close();
}
/** The destination, or an error naming the `path` input when it cannot be used. */
async function openDestination(dir) {
    try {
        return await Destination.open(dir);
    }
    catch (error) {
        if (error instanceof InputError)
            throw error;
        const code = error.code ?? errorMessage(error);
        throw new InputError(Inputs.Path, `gives a folder that cannot be created or used (${code}: ${dir})`, 'a writable folder');
    }
}

;// CONCATENATED MODULE: ./src/pipeline/order.ts
// The order files start in: likely-long files first, so that none of them becomes a late tail.

/**
 * A file's weight for the start order, guessed from its URL's extension before anything is known
 * of its size: no extension -1, video 0, audio 1, anything else 2. A URL without an extension
 * goes first: its name waits for its Content-Type, and every later name waits for its name.
 */
function weight(job) {
    if (!job.urlName.ext)
        return -1;
    const type = lookup(job.urlName.ext);
    if (!type)
        return 2;
    if (type.startsWith('video/'))
        return 0;
    if (type.startsWith('audio/'))
        return 1;
    return 2;
}
/**
 * URLs without an extension, videos, audio, then the rest, each group in input order (a stable
 * sort). Videos first is the "longest first" rule for spreading jobs over parallel machines: a
 * 50 MiB video listed after forty images would otherwise get its signed URL only once every image
 * had its own, and then finish alone on one connection while the others sit idle. Starting it
 * first lets the images fill the connections around it. Names do not depend on this order (the
 * namer goes in input order); a file lands once its name is decided, and names after a URL without
 * an extension wait for that URL's Content-Type, hence those go first of all.
 */
function startOrder(jobs) {
    return jobs
        .map((job, at) => ({ job, at, weight: weight(job) }))
        .sort((a, b) => a.weight - b.weight || a.at - b.at)
        .map(({ job }) => job);
}

;// CONCATENATED MODULE: ./src/pipeline/plan.ts

/**
 * With `if-exists: skip`, a URL the record knows keeps its recorded name and every recorded name
 * is taken for the rest, so re-runs give stable names; a task whose recorded files are all there
 * is settled from the record, without a single API call. Then the namer names what it can (in
 * input order, up to the first name that needs a response), and the disk is checked for those.
 *
 * A sharded run (`fromListOnly`) names from the list alone: each shard's record knows only its own
 * history, so it decides no name there; it only recognises files already at the names the list
 * gives (listRecorded).
 */
async function plan(context) {
    const { listings, ifExists, dest, record, namer, fromListOnly } = context;
    const skip = ifExists === 'skip';
    let recorded = new Map();
    if (skip && !fromListOnly)
        recorded = await fromRecord(context);
    namer.advance();
    if (ifExists === 'overwrite')
        return;
    const named = listings
        .flatMap(l => (l.kind === 'url' ? [l.job] : (l.jobs.peek()?.value ?? [])))
        .filter(job => !job.foreign);
    if (skip && fromListOnly)
        recorded = listRecorded(named, record);
    const others = skip && fromListOnly ? record : undefined;
    await Promise.all(named.map(job => checkDisk(job, ifExists, dest, recorded.get(job), others)));
}
/**
 * `if-exists: skip`, not sharded: every recorded name is taken, a URL the record knows keeps its
 * recorded name, and a task whose recorded files are all there is settled. Returns what the record
 * knows of each listed URL's file.
 */
async function fromRecord(context) {
    const { listings, results, dest, record, registry } = context;
    const recorded = new Map();
    for (const file of record.allFiles())
        registry.reserve(file.path);
    for (const listing of listings) {
        if (listing.kind === 'url') {
            const known = record.file(listing.job.url);
            if (known && !repeatOf(listing.job)) {
                recorded.set(listing.job, known);
                listing.job.name = known.path;
            }
        }
        else if (!listing.repeats) {
            const jobs = await recordedTask(listing, results, dest, record);
            if (jobs)
                listing.jobs.resolve(jobs);
        }
    }
    return recorded;
}
/**
 * Sharded, `if-exists: skip`: what the record knows of files at the names the list gives. A URL
 * without an extension is kept when its recorded file is the list's name with the recorded
 * extension (and unchanged): no request is needed to learn it.
 */
function listRecorded(jobs, record) {
    const out = new Map();
    for (const job of jobs) {
        const known = repeatOf(job) ? undefined : record.file(job.url);
        if (!known)
            continue;
        if (job.name !== null && known.path === job.name)
            out.set(job, known);
        const base = job.openBase;
        if (base === undefined || !known.unchanged)
            continue;
        const rest = known.path.slice(base.length);
        if (known.path.startsWith(base) && /^(\.[A-Za-z0-9]{1,15})?$/.test(rest)) {
            decide(job, { kind: 'keep', known, fromRecordedTask: false });
            job.ext.resolve(rest);
        }
    }
    return out;
}
/**
 * A task's file, known only once the task finished. With `if-exists: skip`, one an earlier run
 * recorded (a run cancelled half-way through this task) keeps its recorded name and, when it is
 * still there, is kept instead of fetched again.
 */
async function planLateJob(job, ifExists, dest, record) {
    if (ifExists !== 'skip' || repeatOf(job))
        return;
    const known = record.file(job.url);
    if (!known)
        return;
    job.name = known.path;
    await checkDisk(job, ifExists, dest, known);
}
/**
 * What the disk settles for a named job: keep it (skip), refuse it (fail, a changed file, or, in a
 * sharded run, the recorded file of another URL: `others`), or fetch it.
 */
async function checkDisk(job, ifExists, dest, known, others) {
    if (ifExists === 'overwrite' || !job.name || job.disposition.kind !== 'fetch')
        return;
    if (ifExists === 'fail') {
        if (await dest.occupied(job.name))
            decide(job, refuse(taken(ifExists, '')));
        return;
    }
    if (!known && others?.heldByOther(job.name, job.url)) {
        decide(job, refuse(taken(ifExists, OTHER_URL)));
        return;
    }
    const there = await dest.existing(job.name);
    if (there && (!known || there.size === known.bytes)) {
        // Unchanged since it was recorded: its recorded hash stands; otherwise it is hashed.
        decide(job, { kind: 'keep', known: known?.unchanged ? known : null, fromRecordedTask: false });
    }
    else if (await dest.occupied(job.name)) {
        // A changed file, a folder or a link stands there: not this action's to replace.
        const why = there && known
            ? `, changed since an earlier run downloaded it (${there.size} bytes, not ${known.bytes})`
            : '';
        const outside = await dest.leadsOutside(job.name);
        decide(job, refuse(outside
            ? 'refused: its folder leads outside the destination (a symlink); nothing there is touched'
            : taken(ifExists, why)));
    }
}
function refuse(why) {
    return { kind: 'refuse', why };
}
/** The kept jobs of a task whose recorded files are all still there, unchanged in size; else null. */
async function recordedTask(listing, results, dest, record) {
    const { entry, position } = listing;
    const task = record.task(entry.taskId, results);
    if (!task || task.type !== entry.type || task.files.length === 0)
        return null;
    const jobs = [];
    for (const [i, file] of task.files.entries()) {
        // Checked as a fresh placement is: a file in folders really inside the destination (one
        // replaced by a symlink to elsewhere vouches for nothing), of its recorded size. Otherwise the
        // task is looked up and fetched again.
        const there = await dest.existing(file.path);
        if (!there || there.size !== file.bytes)
            return null;
        const job = newJob({
            url: file.url,
            taskId: entry.taskId,
            family: entry.type,
            endpoint: entry.endpoint,
            n: i + 1,
            extra: i >= task.main
        }, position, { kind: 'keep', known: file.unchanged ? file : null, fromRecordedTask: true });
        job.name = file.path;
        jobs.push(job);
    }
    return jobs;
}
/** Why a sharded run leaves a file alone that an earlier run recorded for another URL. */
const OTHER_URL = ", the file of another URL from an earlier run (the list's order changed?)";
/** The log line and the summary row name the file already: this says what happened to it. */
function taken(ifExists, why) {
    return `already there${why}; left untouched (if-exists: ${ifExists}; overwrite replaces it)`;
}

;// CONCATENATED MODULE: ./src/pipeline/rows.ts
/** A failed row of a file of this origin, named `name` at `index`, with nothing known yet. */
function blankRow(origin, index, name) {
    return {
        index,
        n: origin.n,
        url: origin.url,
        taskId: origin.taskId,
        family: origin.family,
        extra: origin.extra,
        status: 'failed',
        path: null,
        name,
        bytes: null,
        sha256: null,
        contentType: null,
        error: null,
        ms: 0
    };
}
/** `why`, with stoppedBy only when the stop says something (absent otherwise, as in the results). */
function failure(why) {
    return why.stoppedBy ? { error: null, stoppedBy: why.stoppedBy } : { error: why.error };
}
/** A file that arrived (`downloaded`, in `ms`) or was already there (`skipped`). */
function arrivedRow(job, status, facts, ms = 0) {
    return { ...blankRow(job, job.index, job.name), status, ...facts, ms };
}
/** A file that failed after `ms` of transfer. */
function failedRow(job, why, ms) {
    return { ...blankRow(job, job.index, job.name), ...failure(why), ms };
}
/** A repeat of an earlier URL reports what its first listing got, at its own position. */
function repeatRow(job, first) {
    return {
        ...first,
        index: job.index,
        n: job.n,
        taskId: job.taskId ?? first.taskId,
        family: job.family,
        extra: job.extra,
        sameAs: first.index
    };
}
/** A task's row: its state, how long it took, and its files or why it has none. */
function taskRow(entry, state, ms, more = {}) {
    const { files = 0, error = null, stoppedBy } = more;
    return {
        taskId: entry.taskId,
        type: entry.type,
        state,
        files,
        ...failure({ error, stoppedBy }),
        ms
    };
}
/**
 * Every row of the run, in input order: each listed URL, each task's files where the task stood
 * (a task without files has one row that says why), and each task. What has not ended (the cancel
 * deadline came first) counts as cancelled.
 */
function runRows(listings, tasks) {
    const files = [];
    const taskRows = [];
    for (const listing of listings) {
        if (listing.kind === 'url') {
            // Another shard's file is only named here.
            if (!listing.job.foreign)
                files.push(jobRow(listing.job, files.length));
            continue;
        }
        const jobs = listing.jobs.peek()?.value ?? [];
        for (const job of jobs)
            files.push(jobRow(job, files.length));
        const task = tasks.get(listing) ?? taskRow(listing.entry, 'failed', 0, { stoppedBy: 'cancelled' });
        taskRows.push(task);
        if (jobs.length === 0)
            files.push(noFileRow(listing, task, files.length));
    }
    return { files, tasks: taskRows };
}
/** A job's result, or, not ended yet, cancelled (numbered by its row if the namer had not reached it). */
function jobRow(job, before) {
    const ended = job.result.peek();
    if (ended)
        return ended.value;
    return { ...blankRow(job, job.index || before + 1, job.name), stoppedBy: 'cancelled' };
}
/** The row of a task that yielded no file, at the task's place: it says why. */
function noFileRow(listing, task, before) {
    const { taskId, type, endpoint } = listing.entry;
    const origin = { url: '', taskId, family: type, endpoint, n: 1, extra: false };
    const sameAs = listing.repeats?.placeholderIndex;
    const why = task.stoppedBy ? task : { error: task.error ?? 'produced no file' };
    return {
        ...blankRow(origin, listing.placeholderIndex ?? before + 1, null),
        url: null,
        ...failure(why),
        ...(sameAs === undefined ? {} : { sameAs })
    };
}

;// CONCATENATED MODULE: ./src/pipeline/placement.ts
// A finished transfer under its name: placed, kept, skipped or refused, with the time stamp the record keeps.



/** Places what a named job's transfer brought (or reports why not). */
async function placement_place(job, work, ctx) {
    if (work.kind === 'failed')
        return { result: failedRow(job, work, work.ms), mtimeMs: null };
    if (work.kind === 'kept') {
        const { bytes, sha256, contentType } = work;
        const path = ctx.dest.pathOf(job.name);
        return {
            result: arrivedRow(job, 'skipped', { path, bytes, sha256, contentType }),
            mtimeMs: null
        };
    }
    const { file, ms } = work;
    try {
        return await placeDownloaded(job, file, ms, ctx);
    }
    catch (error) {
        await ctx.dest.removeTemp(file.tempPath);
        const full = ctx.dest.diskFull(error);
        if (full)
            ctx.stop.raise(full.message);
        return { result: failedRow(job, { error: errorMessage(full ?? error) }, ms), mtimeMs: null };
    }
}
async function placeDownloaded(job, file, ms, ctx) {
    const { dest, ifExists } = ctx;
    const name = job.name;
    // A name only known now (extension from Content-Type) may turn out to be taken: skip honours it
    // too, unless (a sharded run, which names from the list alone) it is another URL's file.
    if (ifExists === 'skip' && ctx.sharded && ctx.record.heldByOther(name, job.url)) {
        await dest.removeTemp(file.tempPath);
        return { result: failedRow(job, { error: taken('skip', OTHER_URL) }, ms), mtimeMs: null };
    }
    if (ifExists === 'skip' && (await dest.existing(name))) {
        await dest.removeTemp(file.tempPath);
        const { bytes, sha256 } = await dest.hash(name, ctx.signal);
        const facts = { path: dest.pathOf(name), bytes, sha256, contentType: file.contentType };
        return { result: arrivedRow(job, 'skipped', facts), mtimeMs: null };
    }
    const placed = await dest.place(file.tempPath, name, ifExists === 'overwrite', file.mtimeMs);
    const { bytes, sha256, contentType } = file;
    return {
        result: arrivedRow(job, 'downloaded', { path: placed.path, bytes, sha256, contentType }, ms),
        mtimeMs: placed.mtimeMs
    };
}

;// CONCATENATED MODULE: ./src/pipeline/pipeline.ts
// The run as a pipeline: inputs -> tasks -> resolve -> download -> place -> report, each file landing as soon as it can.












/** How often a line says which tasks are still running. */
const WAITING_LOG_EVERY_MS = 30_000;
/** One run: opened, driven to its end and closed by run(); result() answers at any moment. */
class Pipeline {
    #settings;
    #signal;
    #startedAt;
    #state;
    constructor(settings, deps = { clock: realClock }) {
        this.#settings = settings;
        this.#signal = deps.signal ?? new AbortController().signal;
        this.#startedAt = deps.startedAt ?? deps.clock.now();
        this.#state = {
            listings: new Listings(settings.entries),
            tasks: new Map(),
            stop: new RunStop(this.#signal, logStopped),
            clock: deps.clock
        };
    }
    async run() {
        const { listings, stop, clock } = this.#state;
        const deps = { clock, signal: this.#signal, startedAt: this.#startedAt };
        const tools = await openRun(this.#settings, listings.all, stop, deps);
        try {
            await new Drive(this.#settings, this.#state, tools).run();
        }
        finally {
            await tools.close();
        }
        return this.result();
    }
    /** What is known now; what is still under way counts as cancelled (the cancel deadline). */
    result() {
        const { listings, tasks, stop, clock } = this.#state;
        return {
            ...runRows(listings.all, tasks),
            dir: this.#settings.dir,
            stopped: stop.reason,
            elapsedMs: clock.now() - this.#startedAt
        };
    }
}
/** The drive of an opened run: what the record and disk settle first, then every entry's work. */
class Drive {
    #settings;
    #state;
    #tools;
    #running = [];
    constructor(settings, state, tools) {
        this.#settings = settings;
        this.#state = state;
        this.#tools = tools;
    }
    async run() {
        const { listings, stop } = this.#state;
        const { dest, namer, watcher } = this.#tools;
        await this.plan();
        const disarm = stop.arm();
        logStart({
            files: listings.all.filter(l => l.kind === 'url' && !l.job.foreign).length,
            tasks: listings.all.filter(l => l.kind === 'task').length,
            dir: dest.dir
        });
        const waiting = setInterval(() => {
            const still = watcher.running();
            if (still.length > 0)
                logWaiting(still);
            logLanded();
        }, WAITING_LOG_EVERY_MS);
        waiting.unref();
        try {
            this.noteRepeats();
            const listed = [];
            for (const listing of listings.all) {
                if (listing.kind === 'url') {
                    // Another shard's file is only named here, so that this shard's names agree with it.
                    if (!listing.job.foreign)
                        listed.push(listing.job);
                }
                else if (listing.repeats)
                    this.#running.push(this.runRepeat(listing, listing.repeats));
                else if (listing.jobs.peek())
                    this.settleRecordedTask(listing);
                else
                    this.#running.push(this.runTask(listing));
            }
            for (const job of startOrder(listed))
                this.start(job);
            await namer.run();
            // Tasks add files while they settle: wait until no work is left that could add more.
            for (let n = 0; n < this.#running.length; n++)
                await this.#running[n];
        }
        finally {
            disarm();
            clearInterval(waiting);
        }
    }
    /** Before any request: what the record and the disk settle, and every name certain already. */
    plan() {
        const { ifExists, results, shard } = this.#settings;
        const { dest, record, registry, namer } = this.#tools;
        const listings = this.#state.listings.all;
        const fromListOnly = shard !== null;
        return plan({ listings, ifExists, results, dest, record, registry, namer, fromListOnly });
    }
    /** Starts a job: its transfer now (within the pool), its landing once it is named. */
    start(job) {
        const first = repeatOf(job);
        const { pool, fetch } = this.#tools;
        const work = first ? undefined : pool(() => transfer(job, fetch));
        this.#running.push(this.land(job, first, work));
    }
    /** Places a named job's file (a repeat reports its first listing's), records it, says it. */
    async land(job, first, work) {
        const done = await work;
        await job.named.promise;
        const landing = first || !done
            ? { result: repeatRow(job, await first.result.promise), mtimeMs: null }
            : await placement_place(job, done, this.#tools.placement);
        const { result } = landing;
        job.result.resolve(result);
        if (!first && recordable(job, result)) {
            const { dest, record } = this.#tools;
            record.setFile(job.url, {
                path: result.name,
                bytes: result.bytes ?? 0,
                sha256: result.sha256 ?? '',
                contentType: result.contentType,
                mtimeMs: landing.mtimeMs ?? (await dest.existing(result.name))?.mtimeMs ?? 0
            });
        }
        logFile(result);
    }
    /** Waits for a task, then starts its files. */
    async runTask(listing) {
        const { result, jobs } = await this.lookUp(listing);
        this.#state.tasks.set(listing, result);
        logMoreFiles(jobs.length);
        for (const job of jobs)
            this.start(job);
        listing.jobs.resolve(jobs);
        logTask(result);
        await this.recordTask(listing.entry, jobs);
    }
    /** A task's row and files, once it ended (or the stop, or a failed lookup, ended the wait). */
    async lookUp(listing) {
        const { entry } = listing;
        const { stop, clock } = this.#state;
        const { watcher, dest, record } = this.#tools;
        const started = clock.now();
        let jobs = [];
        try {
            stop.check();
            const outcome = await watcher.watch({ taskId: entry.taskId, type: entry.type });
            if (outcome.state !== 'success') {
                const error = outcome.error;
                return { result: taskRow(entry, outcome.state, outcome.ms, { error }), jobs };
            }
            jobs = this.#state.listings.addTaskJobs(listing, outcome, this.#settings.results === 'all');
            // A file an earlier run placed (a run cancelled half-way through this task) is kept.
            for (const job of jobs)
                await planLateJob(job, this.#settings.ifExists, dest, record);
            return { result: taskRow(entry, 'success', outcome.ms, { files: jobs.length }), jobs };
        }
        catch (error) {
            stop.raiseFor(error);
            // Woken by a 401/402 elsewhere: this task was not finished, and is not looked at again.
            const why = { error: errorMessage(error), stoppedBy: stop.outcomeOf(error) ?? undefined };
            return { result: taskRow(entry, 'failed', clock.now() - started, why), jobs };
        }
    }
    /**
     * A task listed again: no lookup of its own. Once the first listing has its files, each is
     * repeated here (named and reported as the first, with this position), and so is its state.
     */
    async runRepeat(listing, first) {
        const jobs = (await first.jobs.promise).map(original => {
            const { url, taskId, family, endpoint, n, extra } = original;
            const of = repeatOf(original) ?? original;
            const origin = { url, taskId, family, endpoint, n, extra };
            return newJob(origin, listing.position, { kind: 'repeat', of });
        });
        const { tasks } = this.#state;
        const result = tasks.get(first);
        if (result)
            tasks.set(listing, { ...result });
        for (const job of jobs)
            this.start(job);
        listing.jobs.resolve(jobs);
    }
    /** Says once per task listed more than once where it stands: it is looked up and downloaded once. */
    noteRepeats() {
        const entries = new Map();
        for (const listing of this.#state.listings.all) {
            if (listing.kind !== 'task' || !listing.repeats)
                continue;
            let seen = entries.get(listing.repeats);
            if (!seen)
                entries.set(listing.repeats, (seen = [listing.repeats.entry.index]));
            seen.push(listing.entry.index);
        }
        for (const [first, at] of entries)
            logRepeatedTask(first.entry.type, first.entry.taskId, at);
    }
    /** A task the record settled: its files are kept, and no API call is made. */
    settleRecordedTask(listing) {
        const jobs = listing.jobs.peek()?.value ?? [];
        const result = taskRow(listing.entry, 'skipped', 0, { files: jobs.length });
        this.#state.tasks.set(listing, result);
        logMoreFiles(jobs.length);
        for (const job of jobs)
            this.start(job);
        logTask(result);
    }
    /** Once every file of a task is in, the record lists the task, so a re-run needs no lookup. */
    async recordTask(entry, jobs) {
        if (jobs.length === 0)
            return;
        const results = await Promise.all(jobs.map(job => job.result.promise));
        if (results.every(r => r.status !== 'failed')) {
            const urls = jobs.map(job => job.url);
            const main = jobs.filter(job => !job.extra).length;
            this.#tools.record.setTask(entry.taskId, entry.type, urls, main, this.#settings.results);
        }
    }
}
/**
 * Whether the record takes a file this run placed or kept: not a failure, nor a file the record
 * vouched for already (unchanged, or from a recorded task, whose URL has no query string).
 */
function recordable(job, result) {
    const { disposition: d } = job;
    if (d.kind === 'keep' && (d.known !== null || d.fromRecordedTask))
        return false;
    return result.status !== 'failed' && result.name !== null && result.name !== '';
}

;// CONCATENATED MODULE: ./src/report/failure.ts


/** Distinct reasons listed in the error at most; the job summary and `files` hold the rest. */
const MAX_REASONS = 10;
/** Entries named per reason at most. */
const MAX_NAMED = 3;
/** A reason's length in the error at most (cut at a word). */
const MAX_REASON = 200;
/** `#3 a.png`: a file by its position in the whole list and its name. */
function label(f) {
    const what = f.name ?? (f.url ? shortSource(f.url) : null);
    return `#${f.index}${what ? ` ${oneLine(what, 80)}` : ''}`;
}
/**
 * One line per distinct reason, each entry named once: "#3 a.png, #5 b.png: file host answered
 * HTTP 404" for files, "veo task 123 timed out: still generating after 900 s" for a task that
 * yielded no file (its state said once, between the task and the reason).
 */
function reasons(failed, tasks) {
    const byReason = new Map();
    for (const f of failed) {
        const reason = clip(oneLine(f.error ?? 'failed', 2000), MAX_REASON);
        const task = isTaskRow(f) && f.taskId !== null ? tasks.get(f.taskId) : undefined;
        const glue = task ? ` ${stateWord(task.state)}: ` : ': ';
        const key = `${glue}\u0000${reason}`;
        const group = byReason.get(key) ?? { glue, reason, labels: [] };
        group.labels.push(task ? taskLabel(task.type, task.taskId) : label(f));
        byReason.set(key, group);
    }
    const lines = [...byReason.values()].slice(0, MAX_REASONS).map(({ glue, reason, labels }) => {
        const more = labels.length > MAX_NAMED ? ` and ${labels.length - MAX_NAMED} more` : '';
        return `${labels.slice(0, MAX_NAMED).join(', ')}${more}${glue}${reason}`;
    });
    if (byReason.size > MAX_REASONS) {
        lines.push(`… and ${byReason.size - MAX_REASONS} more reasons (see the job summary or the \`files\` output)`);
    }
    return lines;
}
/** Failed entries with a reason of their own (not a repeat, not stopped by the run's stop). */
function ownFailures(run) {
    const again = repeats(run.files);
    const stop = run.stopped ? oneLine(run.stopped) : null;
    return run.files.filter(f => f.status === 'failed' &&
        !again.has(f.index) &&
        f.stoppedBy === undefined &&
        // The entry that met the stop says the same as the stop: said once, at the top.
        !(stop && f.error && (oneLine(f.error).includes(stop) || stop.includes(oneLine(f.error)))));
}
/** "1 of 4 files failed; 1 of 2 tasks failed": what did not arrive, files and tasks apart. */
function failedCounts(run) {
    const t = totals(run);
    const left = unfinished(t);
    return [
        left.files ? `${left.files} of ${plural(t.entries, 'file')} failed` : '',
        left.tasks ? `${left.tasks} of ${plural(t.tasks, 'task')} failed` : ''
    ]
        .filter(Boolean)
        .join('; ');
}
/** What went wrong in the run, whatever `fail-on-error` says; null when nothing did. */
function failureSummary(run) {
    const t = totals(run);
    const own = ownFailures(run);
    const tasks = new Map(run.tasks.map(task => [task.taskId, task]));
    if (run.stopped) {
        const left = [
            t.notStarted ? `${t.notStarted} not started` : '',
            t.cancelled ? `${t.cancelled} cancelled` : '',
            t.tasksNotStarted ? plural(t.tasksNotStarted, 'task') + ' not started' : '',
            t.tasksCancelled ? plural(t.tasksCancelled, 'task') + ' cancelled' : ''
        ].filter(Boolean);
        const head = `The run stopped: ${clip(oneLine(run.stopped, 2000), 500)}. ` +
            `${t.downloaded + t.skipped} of ${plural(t.entries, 'file')} done${left.length ? `, ${left.join(', ')}` : ''}.`;
        return own.length ? [head, 'Other failures:', ...reasons(own, tasks)].join('\n') : head;
    }
    const counts = failedCounts(run);
    if (counts === '')
        return null;
    return [`${counts}:`, ...reasons(own, tasks)].join('\n');
}
/**
 * The step's one error, or null when the step passes. A stopped run (bad key 401, no credits 402,
 * sub-key limit 433, cancelled) fails whatever `fail-on-error` says: every later run would fail
 * the same way.
 */
function failureMessage(run, failOnError) {
    if (run.stopped || failOnError)
        return failureSummary(run);
    return null;
}

;// CONCATENATED MODULE: ./src/report/outputs.ts
// The step outputs, within GitHub's limits, and the manifest file that always holds the whole `files` array.








/** GitHub refuses an output value over 1 MB; one that would pass this is left unset. */
const MAX_OUTPUT_BYTES = 1_000_000;
/** One item of `files` and of the manifest. URLs go out without their query string. */
function fileItem(r) {
    return {
        url: r.url === null ? null : bareUrl(r.url),
        taskId: r.taskId,
        path: r.path,
        name: r.name,
        bytes: r.bytes,
        sha256: r.sha256,
        contentType: r.contentType,
        status: r.status,
        error: errorText(r)
    };
}
function taskItem(t) {
    return { taskId: t.taskId, type: t.type, state: t.state, files: t.files, error: errorText(t) };
}
/** The folder for the manifest: the runner's temp folder (emptied after the job), else the system's. */
function tempDir() {
    return process.env.RUNNER_TEMP || external_node_os_default().tmpdir();
}
/** Writes the manifest and returns its path, or null (with a warning) when it cannot be written. */
async function writeManifest(json) {
    // A unique name: the action may run several times in one job.
    const file = external_node_path_default().join(tempDir(), `kie-download-manifest-${(0,external_node_crypto_namespaceObject.randomUUID)().slice(0, 8)}.json`);
    try {
        await (0,external_node_fs_promises_namespaceObject.writeFile)(file, json);
        return file;
    }
    catch (error) {
        core_warning(`Could not write the manifest file ${file}: ${errorMessage(error)}`);
        return null;
    }
}
/** Sets an output unless it would pass GitHub's limit; then a warning points at the manifest. */
function setBounded(name, value) {
    const bytes = Buffer.byteLength(value);
    if (bytes <= MAX_OUTPUT_BYTES) {
        setOutput(name, value);
        return;
    }
    core_warning(`The \`${name}\` output would be ${formatBytes(bytes)}, over GitHub's limit of 1 MB for one output, so it is left unset. ` +
        `The file named by the \`${Outputs.Manifest}\` output holds every file's details.`);
}
/** Sets every output; values go through core.setOutput only, so no value can forge another output. */
async function setOutputs(run) {
    const items = run.files.map(fileItem);
    const filesJson = JSON.stringify(items);
    const manifest = await writeManifest(filesJson);
    const paths = [...new Set(run.files.flatMap(r => (r.path ? [r.path] : [])))];
    setOutput(Outputs.Count, paths.length);
    // Downloaded by this run, each file once (a URL listed twice is fetched once).
    setOutput(Outputs.Downloaded, totals(run).downloaded);
    setOutput(Outputs.Failed, run.files.filter(r => r.status === 'failed').length);
    setOutput(Outputs.Dir, run.dir);
    setOutput(Outputs.Manifest, manifest ?? '');
    setBounded(Outputs.Paths, paths.join('\n'));
    setBounded(Outputs.Files, filesJson);
    setBounded(Outputs.Tasks, JSON.stringify(run.tasks.map(taskItem)));
}

;// CONCATENATED MODULE: ./src/report/summary.ts
// The job summary: GitHub-flavoured Markdown with the totals, then a table of what failed and one of what arrived.




/** The runner refuses a step summary over 1 MiB; the rest of the page keeps some room. */
const MAX_SUMMARY_BYTES = 1024 * 1024 - 16 * 1024;
/**
 * Text from outside, inert in Markdown: every character that could start markup is escaped with a
 * backslash (CommonMark lets any ASCII punctuation be escaped), and `www.` cannot become a link.
 */
function mdText(text, max = 300) {
    return oneLine(text, max)
        .replace(/[\\`*_[\]<>|~&!:]/g, '\\$&')
        .replace(/(www)\./gi, '$1\\.');
}
/** Text from outside as a code span (names, sources, IDs): literal, whatever it holds. */
function mdCode(text, max = 300) {
    // A table splits cells on every unescaped `|`, even inside a code span.
    const body = oneLine(text, max).replace(/\|/g, '\\|');
    if (body === '')
        return '';
    const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map(run => run.length));
    const fence = '`'.repeat(longest + 1);
    const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${body}${pad}${fence}`;
}
const STATUS = {
    downloaded: '✅ downloaded',
    skipped: '⏭️ skipped',
    failed: '❌ failed'
};
const TASK_STATE = {
    success: '✅',
    failed: '❌',
    timeout: '⌛',
    skipped: '⏭️'
};
/** Entries a stop kept from arriving: many of them in a row become one row. */
function stoppedWord(f) {
    if (f.status !== 'failed' || f.path !== null || !f.stoppedBy)
        return null;
    return STOPPED_WORDS[f.stoppedBy];
}
/** Keeps "1.0 MiB" and "✅ downloaded" on one line in a narrow column. */
function nbsp(text) {
    return text.replace(/ /g, '\u00a0');
}
const HEADS = {
    failed: ['| # | File | Source | Status | Error |', '| ---: | --- | --- | --- | --- |'],
    done: ['| # | File | Size | Type | Source | Status |', '| ---: | --- | ---: | --- | --- | --- |']
};
/** A row of `table` from its cells: # and File, then Size and Type (done), Source and Status, Error (failed). */
function row(table, c) {
    const cells = table === 'failed'
        ? [c.at, c.file, c.source ?? '', c.status, c.error ?? '']
        : [c.at, c.file, c.size ?? '', c.type ?? '', c.source ?? '', c.status];
    return `| ${cells.join(' | ')} |`;
}
function positions(index, again) {
    return [index, ...(again.get(index) ?? [])].join(', ');
}
function fileRow(f, again, inTask, stop) {
    // The entry that met the stop would repeat the line above the table word for word.
    const own = errorText(f);
    const error = own && stop && oneLine(own) === stop ? 'stopped the run (see above)' : own;
    const name = f.name ? mdCode(f.name, 200) : '–';
    return row(f.status === 'failed' ? 'failed' : 'done', {
        at: positions(f.index, again),
        file: `${inTask ? '↳\u00a0' : ''}${name}${f.extra ? ' (extra)' : ''}`,
        size: f.bytes === null ? '' : nbsp(formatBytes(f.bytes)),
        type: f.contentType ? mdText(f.contentType, 60) : '',
        source: f.url ? mdText(shortSource(f.url, 56)) : '',
        status: nbsp(STATUS[f.status]),
        error: error ? mdText(error, 300) : ''
    });
}
/** A task's heading row; `at` is its position when it stands for no file (it yielded none). */
function summary_taskRow(table, t, taskId, at = '') {
    const family = t ? `**${mdText(t.type, 40)}** ` : '';
    const facts = !t
        ? []
        : t.state === 'skipped'
            ? [plural(t.files, 'file')]
            : t.state === 'success'
                ? [plural(t.files, 'file'), formatDuration(t.ms)]
                : [formatDuration(t.ms)];
    const error = t && t.state !== 'success' ? errorText(t) : null;
    // The whole ID, in a code span: it is what people copy to look the task up.
    return row(table, {
        at,
        file: [`${family}task ${mdCode(taskId, 200)}`, ...facts.map(nbsp)].join(' · '),
        status: t ? nbsp(`${TASK_STATE[t.state]} ${stateWord(t.state)}`) : '',
        error: error ? mdText(error, 300) : ''
    });
}
function piece(rows, files, task) {
    return task ? { rows, files, task } : { rows, files };
}
/** The rows of a task and its files, split between the two tables, each under the task's row. */
function taskUnit(files, t, again, stop) {
    const taskId = files[0].taskId;
    if (files.length === 1 && isTaskRow(files[0])) {
        // A task that yielded no file: its own row says why, at its position in the list.
        return { failed: piece([summary_taskRow('failed', t, taskId, String(files[0].index))], 1), done: null };
    }
    const failed = files.filter(f => f.status === 'failed');
    const done = files.filter(f => f.status !== 'failed');
    const part = (table, list) => list.length === 0
        ? null
        : piece([summary_taskRow(table, t, taskId), ...list.map(f => fileRow(f, again, true, stop))], list.length, table);
    return { failed: part('failed', failed), done: part('done', done) };
}
/** The table's pieces in input order. */
function units(run) {
    const repeatOf = repeats(run.files);
    const again = new Map();
    for (const [index, first] of repeatOf)
        again.set(first, [...(again.get(first) ?? []), index]);
    const tasks = new Map(run.tasks.map(t => [t.taskId, t]));
    const stop = run.stopped ? oneLine(run.stopped) : null;
    const out = [];
    let stopped = null;
    for (let i = 0; i < run.files.length; i++) {
        const f = run.files[i];
        if (repeatOf.has(f.index))
            continue;
        // A URL entry may carry a taskId too (the 4o-image endpoint's pair): only a family marks a task result.
        if (f.family !== null && f.taskId !== null) {
            let end = i + 1;
            while (end < run.files.length &&
                run.files[end].family !== null &&
                run.files[end].taskId === f.taskId)
                end++;
            out.push(taskUnit(run.files.slice(i, end).filter(x => !repeatOf.has(x.index)), tasks.get(f.taskId), again, stop));
            i = end - 1;
            stopped = null;
            continue;
        }
        const word = stoppedWord(f);
        if (word && stopped?.word === word) {
            stopped.files++;
            const range = `${stopped.from}–\u2060${f.index}`;
            stopped.unit.failed = piece([
                row('failed', {
                    at: range,
                    file: nbsp(`${stopped.files} entries`),
                    status: nbsp(`⏹️ ${word}`)
                })
            ], stopped.files);
            continue;
        }
        const table = f.status === 'failed' ? 'failed' : 'done';
        const unit = { failed: null, done: null };
        unit[table] = piece([fileRow(f, again, false, stop)], 1);
        stopped = word ? { word, from: f.index, files: 1, unit } : null;
        out.push(unit);
    }
    return out;
}
/** The title and the line under it. */
function heading(run, view) {
    const t = totals(run);
    const left = unfinished(t);
    const bad = left.files + left.tasks > 0 || run.stopped !== null;
    const outcome = view.outcome ?? (bad ? 'failed' : 'passed');
    const icon = outcome === 'failed' ? '❌' : outcome === 'warning' ? '⚠️' : '✅';
    const what = view.nothing !== undefined ? 'nothing to download' : countsText(t);
    // A folder nothing was placed in may not exist after the run: it is not named.
    const where = t.downloaded + t.skipped > 0 ? ` into ${mdCode(displayDir(run.dir))}` : '';
    const facts = [
        view.shard ? mdText(view.shard) : '',
        view.nothing !== undefined
            ? mdText(view.nothing, 500)
            : `${volumeText(t, run.elapsedMs)}${where}`,
        run.tasks.length ? tasksText(run.tasks) : ''
    ].filter(Boolean);
    const lines = [`### ${icon} kie.ai downloads: ${what}`, '', facts.join(' · ')];
    if (run.stopped)
        lines.push('', `> **Stopped:** ${mdText(run.stopped, 500)}`);
    return lines;
}
/**
 * The whole summary: the title, then what failed (first, with the errors), then what arrived.
 * Pure: the same run gives the same text (golden tests pin it). A run too big for the runner's cap
 * keeps its failures first, then the first files, in input order.
 */
function summaryMarkdown(run, view = {}, limitBytes = MAX_SUMMARY_BYTES) {
    const lines = heading(run, view);
    const all = units(run);
    const failed = all.flatMap(u => (u.failed ? [u.failed] : []));
    const done = view.rows === 'failures' ? [] : all.flatMap(u => (u.done ? [u.done] : []));
    if (failed.length + done.length === 0)
        return `${lines.join('\n')}\n`;
    const size = (text) => Buffer.byteLength(text) + 1;
    const NOTE_ROOM = 400;
    const tables = ['failed', 'done'].reduce((n, t) => n + HEADS[t].reduce((m, r) => m + size(r), 0) + 30, 0);
    let budget = limitBytes - size(lines.join('\n')) - tables - NOTE_ROOM;
    const kept = new Map();
    for (const p of [...failed, ...done]) {
        const cost = p.rows.reduce((n, r) => n + size(r), 0);
        const part = cost <= budget ? { rows: p.rows, hidden: 0, cost } : firstRows(p, budget);
        if (!part)
            continue;
        budget -= part.cost;
        kept.set(p, part);
    }
    const shownFailed = failed.flatMap(p => kept.get(p)?.rows ?? []);
    const shownDone = done.flatMap(p => kept.get(p)?.rows ?? []);
    if (shownFailed.length)
        lines.push('', '#### Failed', '', ...HEADS.failed, ...shownFailed);
    if (shownDone.length) {
        lines.push('', ...(shownFailed.length ? ['#### Done', ''] : []), ...HEADS.done, ...shownDone);
    }
    const hidden = [...failed, ...done].reduce((n, p) => n + (kept.get(p)?.hidden ?? p.files), 0);
    if (hidden > 0) {
        lines.push('', `_${hidden === 1 ? '1 more entry is' : `${hidden} more entries are`} not shown: a job summary holds at most 1 MiB. ` +
            'The file named by the `manifest` output lists every file._');
    }
    const left = view.rows === 'failures' ? all.reduce((n, u) => n + (u.done?.files ?? 0), 0) : 0;
    if (left > 0) {
        lines.push('', `_${plural(left, 'file')} that arrived or ${left === 1 ? 'was' : 'were'} already there ${left === 1 ? 'is' : 'are'} not listed (\`summary: failures\`)._`);
    }
    return `${lines.join('\n')}\n`;
}
/**
 * A task too big for the room left (thousands of results): its own row, as many of its first files
 * as fit, and a row counting the rest; null when not even that fits, or the piece is not a task.
 */
function firstRows(p, budget) {
    if (!p.task || p.rows.length < 2)
        return null;
    const table = p.task;
    const size = (text) => Buffer.byteLength(text) + 1;
    const note = (n) => row(table, {
        at: '',
        file: `↳\u00a0_… and ${n === 1 ? '1 more file' : `${n} more files`} of this task, in the manifest_`,
        status: ''
    });
    const files = p.rows.length - 1;
    // Room for the note with the widest count it could show.
    let cost = size(p.rows[0]) + size(note(files));
    let shown = 0;
    while (shown < files && cost + size(p.rows[shown + 1]) <= budget)
        cost += size(p.rows[++shown]);
    if (cost > budget)
        return null;
    const hidden = files - shown;
    return { rows: [...p.rows.slice(0, shown + 1), note(hidden)], hidden, cost };
}
/** Appends the summary to the step's summary file; a summary that cannot be written is only a warning. */
async function writeSummary(run, view = {}) {
    // Outside a runner (a local run) there is no summary to write.
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    try {
        await summary.addRaw(summaryMarkdown(run, view)).write();
    }
    catch (error) {
        core_warning(`Could not write the job summary: ${errorMessage(error)}`);
    }
    finally {
        summary.emptyBuffer();
    }
}

;// CONCATENATED MODULE: ./src/main.ts
// The action: read inputs, run the pipeline, report, and fail the step once if it should; a cancel loses nothing finished.












/**
 * After SIGINT/SIGTERM the runner kills the step about 7.5 s later. Transfers stop at once; this is
 * how long the run may take to wind down before what is known is reported as it stands, so the
 * record, outputs and summary are written well within 5 s.
 */
const CANCEL_GRACE_MS = 3_000;
/** After the report, how long a cancelled run still lets the pipeline save its record and unlock. */
const CANCEL_SETTLE_MS = 1_000;
async function run(deps = {}) {
    tuneHeap();
    startMasking();
    const cancel = cancelOnSignals();
    const signal = deps.signal ?? cancel.signal;
    const step = { outputsSet: false };
    try {
        // `wait` counts from the step's start, before inputs are even read.
        const startedAt = deps.startedAt ?? Date.now();
        const settings = (step.settings = getInputs());
        const shard = announceShard(settings);
        if (settings.empty) {
            step.outputsSet = true;
            await reportNothing(settings, shard, Date.now() - startedAt);
            return;
        }
        const pipeline = new Pipeline(settings, { clock: deps.clock ?? realClock, signal, startedAt });
        const run = pipeline.run();
        step.running = run.catch(() => undefined);
        const result = await untilCancelDeadline(pipeline, run, signal);
        logTotals(result);
        logDetails(result);
        // Outputs and summary first: a failing step still tells the next steps what arrived.
        step.outputsSet = true;
        await report(result, settings, shard);
    }
    catch (error) {
        // "Always set" outputs are set on an input error too: nothing arrived, nothing failed.
        if (!step.outputsSet) {
            const dir = step.settings?.dir ?? destinationOrEmpty();
            await setOutputs(emptyRun(dir, 0)).catch(() => undefined);
        }
        setFailed(errorMessage(error));
    }
    finally {
        cancel.dispose();
        if (signal.aborted)
            await windDown(step.running);
        // A socket that ignored the abort must not keep a cancelled step alive until the runner kills it.
        if (cancel.signal.aborted)
            setTimeout(() => process.exit(), 200).unref();
    }
}
/** The runner's SIGINT/SIGTERM as an abort, until disposed. */
function cancelOnSignals() {
    const controller = new AbortController();
    const onSignal = (name) => {
        if (!controller.signal.aborted)
            controller.abort(new CancelledError(name));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return {
        signal: controller.signal,
        dispose: () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
        }
    };
}
/** "shard 2/4: 25 of 100 entries", said first in a sharded run; undefined otherwise. */
function announceShard(settings) {
    if (!settings.shard)
        return undefined;
    const { entries } = settings;
    const shard = shardText(settings.shard, entries.filter(e => !e.foreign).length, entries.length);
    logShard(shard);
    return shard;
}
/** Sets the outputs, writes the summary, and throws the step's one error when it should fail. */
async function report(result, settings, shard) {
    await setOutputs(result);
    const failure = failureMessage(result, settings.failOnError);
    // fail-on-error: false turns file failures into one warning (account errors still fail above).
    const warning = failure ? null : failureSummary(result);
    const outcome = failure ? 'failed' : warning ? 'warning' : 'passed';
    await summarize(result, settings, { outcome, shard });
    if (failure)
        throw new Error(failure);
    if (warning)
        core_warning(warning);
}
/** The report is out; the pipeline may still be saving the record and releasing the lock. */
async function windDown(running) {
    if (!running)
        return;
    let timer;
    await Promise.race([
        running,
        new Promise(resolve => (timer = setTimeout(resolve, CANCEL_SETTLE_MS)))
    ]);
    clearTimeout(timer);
}
function emptyRun(dir, elapsedMs) {
    return { files: [], tasks: [], dir, stopped: null, elapsedMs };
}
/** The job summary as `summary` asks for it: every row, the failed rows, or none. */
async function summarize(result, settings, view) {
    if (settings.summary === 'off')
        return;
    await writeSummary(result, { ...view, rows: settings.summary }).catch((error) => core_warning(`Could not write the job summary: ${errorMessage(error)}`));
}
/**
 * Nothing to download (an empty list, or nothing in this shard): every output is set, the summary
 * says so, and `if-no-files-found` decides whether that is a warning, an error or a log line. The
 * destination is not touched.
 */
async function reportNothing(settings, shard, elapsedMs) {
    const empty = settings.empty;
    if (!empty)
        return;
    const message = nothingText(empty, settings.shard);
    const result = emptyRun(settings.dir, elapsedMs);
    await setOutputs(result);
    const outcome = settings.ifNoFilesFound === 'error'
        ? 'failed'
        : settings.ifNoFilesFound === 'warn'
            ? 'warning'
            : 'passed';
    await summarize(result, settings, { outcome, shard, nothing: message });
    if (settings.ifNoFilesFound === 'error') {
        throw new Error(`${message} (if-no-files-found: error)`);
    }
    if (settings.ifNoFilesFound === 'warn')
        core_warning(message);
    else
        core_info(message);
}
/**
 * The pipeline's result, or, once cancelled, what it knows after CANCEL_GRACE_MS at the latest
 * (also when the cancel came while it waited for the destination's lock).
 */
async function untilCancelDeadline(pipeline, run, signal) {
    let timer;
    const deadline = new Promise(resolve => {
        const onAbort = () => {
            timer = setTimeout(() => resolve(pipeline.result()), CANCEL_GRACE_MS);
        };
        if (signal.aborted)
            onAbort();
        else
            signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        return await Promise.race([run, deadline]);
    }
    catch (error) {
        if (error instanceof CancelledError)
            return pipeline.result();
        throw error;
    }
    finally {
        clearTimeout(timer);
    }
}


/***/ }),

/***/ 103:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("./undici/index.cjs");

/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
