// The Socket.IO peer of Mingle's load test: the same room fan-out in one Node process, with
// Socket.IO's current recommended settings for a WebSocket-only deployment (and `bufferutil`,
// the native frame masking add-on its performance guide recommends).
//
//   join(room, ack)            -> joins the room, acks {ok: true}
//   publish(room, text, ack)   -> broadcasts "message"(text) to everyone in the room, acks {ok: true}
//
// PORT and HOST choose the address (default 127.0.0.1:3000); loopback only.
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "127.0.0.1";

const httpServer = http.createServer((req, res) => {
  res.writeHead(404).end();
});

const io = new Server(httpServer, {
  // WebSocket only: no long-polling fallback, no upgrade dance.
  transports: ["websocket"],
  // Compression off: per-message deflate costs CPU and memory per connection.
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  // Socket.IO's defaults, stated: heartbeat every 25 s, 20 s to answer it.
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
});

// From Socket.IO's performance guide: drop the reference to the upgrade request once the
// connection is open, so each socket does not keep its headers alive.
io.engine.on("connection", (rawSocket) => {
  rawSocket.request = null;
});

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    if (typeof room !== "string") return;
    socket.join(room);
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("publish", (room, text, ack) => {
    if (typeof room !== "string" || typeof text !== "string") return;
    io.to(room).emit("message", text);
    if (typeof ack === "function") ack({ ok: true });
  });
});

httpServer.listen(port, host, () => {
  console.log(`socket.io peer listening on ${host}:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}
