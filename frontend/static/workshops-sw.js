// The capture page's service worker (scope /ateliers/): the capture page, our stylesheet and
// the capture script are served from the network when it answers, from a copy kept in the
// browser's cache when it does not, so a capture page reloaded offline still opens, with its
// queue (docs/workshops.md). workshops.js stores the copies; nothing else is cached, and
// nothing but GET goes through here.
'use strict';
var CACHE = 'essaim-saisie-v1';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var capture = /^\/ateliers\/[^/]+\/saisie$/.test(url.pathname);
  var asset = url.pathname === '/static/essaim.css' || url.pathname === '/static/workshops.js';
  if (!capture && !asset) return;
  var key = url.origin + url.pathname;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === 'basic') {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
      }
      return response;
    }, function () {
      return caches.match(key).then(function (hit) { return hit || Response.error(); });
    })
  );
});
