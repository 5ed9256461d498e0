'use strict';
// See package.json: restify's HTTP/2 support (spdy) is never switched on by School Policy Bot (no `http2` option is
// passed to restify.createServer), so nothing calls this; if something ever does, it fails loudly instead of silently.
function Deceiver() {
  throw new Error('HTTP/2 through spdy is not supported by School Policy Bot (http-deceiver is a stand-in).');
}
Deceiver.create = function create() {
  return new Deceiver();
};
module.exports = Deceiver;
