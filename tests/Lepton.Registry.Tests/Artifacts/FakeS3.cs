using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using Amazon.S3;
using Amazon.S3.Model;

namespace Lepton.Registry.Tests.Artifacts;

/// <summary>
/// An in-memory bucket behind <see cref="IAmazonS3"/>, built with <see cref="DispatchProxy"/> so only the calls the
/// artifact store makes (put, get, head, list v2) need an implementation; any other call fails the test.
/// </summary>
public class FakeS3 : DispatchProxy
{
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    public string Bucket { get; private set; } = "";

    public int Puts;

    /// <summary>Page size of list responses, small so pagination is exercised.</summary>
    public int PageSize { get; set; } = 2;

    public static (IAmazonS3 Client, FakeS3 Fake) Create(string bucket)
    {
        var client = Create<IAmazonS3, FakeS3>();
        var fake = (FakeS3)(object)client;
        fake.Bucket = bucket;
        return (client, fake);
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        switch (method!.Name, args![0])
        {
            case ("PutObjectAsync", PutObjectRequest put):
                CheckBucket(put.BucketName);
                var copy = new MemoryStream();
                put.InputStream.CopyTo(copy);
                Objects[put.Key] = copy.ToArray();
                Interlocked.Increment(ref Puts);
                return Task.FromResult(new PutObjectResponse { HttpStatusCode = HttpStatusCode.OK });
            case ("GetObjectAsync", GetObjectRequest get):
                CheckBucket(get.BucketName);
                if (!Objects.TryGetValue(get.Key, out var bytes)) return Task.FromException<GetObjectResponse>(NotFound());
                return Task.FromResult(new GetObjectResponse { ResponseStream = new MemoryStream(bytes), ContentLength = bytes.Length });
            case ("GetObjectMetadataAsync", GetObjectMetadataRequest head):
                CheckBucket(head.BucketName);
                if (!Objects.TryGetValue(head.Key, out var found)) return Task.FromException<GetObjectMetadataResponse>(NotFound());
                return Task.FromResult(new GetObjectMetadataResponse { ContentLength = found.Length });
            case ("ListObjectsV2Async", ListObjectsV2Request list):
                CheckBucket(list.BucketName);
                var keys = Objects.Keys.Where(k => k.StartsWith(list.Prefix ?? "", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
                int start = list.ContinuationToken is { } t ? int.Parse(t) : 0;
                var page = keys.Skip(start).Take(PageSize).Select(k => new S3Object { Key = k, Size = Objects[k].Length }).ToList();
                bool more = start + PageSize < keys.Count;
                return Task.FromResult(new ListObjectsV2Response
                {
                    S3Objects = page,
                    IsTruncated = more,
                    NextContinuationToken = more ? (start + PageSize).ToString() : null,
                });
            case ("Dispose", _):
                return null;
            default:
                throw new NotSupportedException($"FakeS3 does not implement {method.Name}.");
        }
    }

    private void CheckBucket(string bucket)
    {
        if (bucket != Bucket) throw new AmazonS3Exception($"NoSuchBucket {bucket}") { StatusCode = HttpStatusCode.NotFound };
    }

    private static AmazonS3Exception NotFound() => new("Not Found") { StatusCode = HttpStatusCode.NotFound, ErrorCode = "NoSuchKey" };
}
