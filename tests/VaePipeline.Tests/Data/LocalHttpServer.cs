using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VaePipeline.Tests.Data;

/// <summary>
/// Just enough HTTP/1.1 on 127.0.0.1 (a free port, one GET per connection) for download tests to run without a network.
/// The route function maps a request path to the body to send, or to null for 404 Not Found.
/// </summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, byte[]?> respond;
    private readonly ConcurrentQueue<string> requests = new();
    private readonly Task acceptLoop;

    public LocalHttpServer(Func<string, byte[]?> respond)
    {
        this.respond = respond;
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    /// <summary>The paths requested so far, in order of arrival.</summary>
    public IReadOnlyCollection<string> Requests => requests;

    public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}");

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        await acceptLoop;
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // Stopped.
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            string? requestLine = await reader.ReadLineAsync();
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
            {
                // Headers are not needed.
            }
            string path = requestLine?.Split(' ')[1] ?? "";
            requests.Enqueue(path);
            byte[]? found = respond(path);
            byte[] body = found ?? Encoding.ASCII.GetBytes("not here");
            string status = found is null ? "404 Not Found" : "200 OK";
            string head = $"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(body);
            }
            catch (IOException)
            {
                // The client gave up; nothing to tell it.
            }
        }
    }

    /// <summary>A URL on 127.0.0.1 where nothing listens, so connecting is refused at once.</summary>
    public static Uri Unreachable()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/mnist/");
    }
}
