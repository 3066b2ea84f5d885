using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>Reads a whole request body into memory, refusing (413) one larger than the limit before or while reading it.</summary>
public static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpContext context, long limit)
    {
        long? declared = context.Request.ContentLength;
        if (declared > limit) throw TooLarge(declared.Value, limit);
        var ct = context.RequestAborted;
        if (declared is { } exact)
        {
            var body = new byte[exact];
            int read = await context.Request.Body.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, ct);
            if (read < exact) throw ProtocolException.BadRequest($"The request body ended after {read:N0} of the {exact:N0} bytes its Content-Length announced.");
            return body;
        }
        // Chunked upload: copy in pieces and stop as soon as the limit is passed.
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit) throw TooLarge(buffer.Length + n, limit);
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The body in a pooled buffer (dispose it when done): the infer path parses the bytes and drops them, so the
    /// array goes back to the pool instead of becoming garbage on every request.
    /// </summary>
    internal static async Task<PooledBuffer> ReadPooledAsync(HttpContext context, long limit)
    {
        long? declared = context.Request.ContentLength;
        if (declared > limit) throw TooLarge(declared.Value, limit);
        var ct = context.RequestAborted;
        var buffer = new PooledBuffer(declared is { } d ? (int)Math.Max(d, 1) : 16 * 1024);
        try
        {
            if (declared is { } exact)
            {
                int read = await context.Request.Body.ReadAtLeastAsync(buffer.GetMemory((int)exact)[..(int)exact], (int)exact, throwOnEndOfStream: false, ct);
                buffer.Advance(read);
                if (read < exact) throw ProtocolException.BadRequest($"The request body ended after {read:N0} of the {exact:N0} bytes its Content-Length announced.");
                return buffer;
            }
            int n;
            while ((n = await context.Request.Body.ReadAsync(Chunk(buffer.GetMemory(16 * 1024)), ct)) > 0)
            {
                if (buffer.Length + (long)n > limit) throw TooLarge(buffer.Length + (long)n, limit);
                buffer.Advance(n);
            }
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    // At most 64 KiB per read, so a chunked upload passes the limit by at most that much before it is refused.
    private static Memory<byte> Chunk(Memory<byte> free) => free.Length > 64 * 1024 ? free[..(64 * 1024)] : free;

    private static ProtocolException TooLarge(long size, long limit) =>
        new(413, $"The request body ({size:N0} bytes or more) is larger than this server's limit of {limit:N0} bytes; send fewer rows per request or raise --max-body-bytes.");
}
