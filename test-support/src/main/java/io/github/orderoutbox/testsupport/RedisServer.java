package io.github.orderoutbox.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A real Redis server; its data may be lost when it is stopped or killed. */
public interface RedisServer extends TestServer {

    String host();

    int port();

    /** The server as {@code redis://host:port}. */
    default String url() {
        return "redis://" + host() + ":" + port();
    }

    /** Sends PING in the Redis protocol and expects {@code +PONG}. */
    @Override
    default boolean isAnswering() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port()), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }
}
