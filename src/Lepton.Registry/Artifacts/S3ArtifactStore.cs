using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.S3;
using Amazon.S3.Model;

namespace Lepton.Registry.Artifacts;

/// <summary>
/// Artifacts in an S3 (or S3-compatible) bucket at <c>PREFIX/sha256/ab/cdef...</c>, with the file store's semantics:
/// content addressed, idempotent puts, every read re-hashed (and authenticated when encrypted). A put spills to a
/// local temp file while hashing, because the object key is the hash and is only known at the end.
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly bool _ownsClient;
    private readonly S3ArtifactStoreOptions _options;
    private readonly IBlobCodec _codec;

    public S3ArtifactStore(S3ArtifactStoreOptions options, IAmazonS3? client = null)
    {
        if (string.IsNullOrWhiteSpace(options.Bucket)) throw new ArgumentException("An S3 artifact store needs a bucket name.", nameof(options));
        _options = options;
        _ownsClient = client is null;
        _s3 = client ?? CreateClient(options);
        _codec = options.EncryptionKey is { } key
            ? new AesGcmBlobCodec(key, "the object was altered or the key is wrong")
            : PlainBlobCodec.Instance;
    }

    /// <summary>An SDK client for the options: path-style addressing and the given endpoint when one is set.</summary>
    public static IAmazonS3 CreateClient(S3ArtifactStoreOptions options)
    {
        var config = new AmazonS3Config();
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
        }
        if (options.Region is { } region) config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        return new AmazonS3Client(config);
    }

    /// <summary>The object key of a hash.</summary>
    public string KeyOf(string hash)
    {
        ArtifactHash.Validate(hash);
        return $"{_options.NormalizedPrefix}sha256/{hash[..2]}/{hash[2..]}";
    }

    private string Location(string hash) => $"s3://{_options.Bucket}/{KeyOf(hash)}";

    public async Task<string> PutAsync(Stream content, CancellationToken ct = default)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"lepton-s3-{Guid.NewGuid():N}.part");
        try
        {
            string hash;
            await using (var spill = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
            {
                hash = await _codec.EncodeAsync(content, spill, ct);
                if (await HeadAsync(hash, ct) is { } existing && existing == spill.Length) return hash;
                spill.Position = 0;
                await _s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = _options.Bucket,
                    Key = KeyOf(hash),
                    InputStream = spill,
                    AutoCloseStream = false,
                    ContentType = "application/octet-stream",
                }, ct);
            }
            return hash;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task<bool> ExistsAsync(string hash, CancellationToken ct = default) => await HeadAsync(hash, ct) is not null;

    public async Task<byte[]> ReadAsync(string hash, CancellationToken ct = default)
    {
        using var response = await GetAsync(hash, ct);
        long stored = response.ContentLength;
        if (stored > Array.MaxLength) throw new IOException($"Artifact {hash} is {stored:N0} bytes, too large to read into memory; use CopyToAsync.");
        var buffer = new MemoryStream((int)(_codec.PlaintextLength(stored) ?? Math.Max(0, stored)));
        await DecodeAsync(hash, response.ResponseStream, buffer, ct);
        if (_codec.PlaintextLength(stored) is { } size && buffer.Length != size)
            throw new ArtifactCorruptedException(hash, Location(hash), $"it is {buffer.Length:N0} bytes but S3 reported {size:N0}");
        return buffer.ToArray();
    }

    public async Task CopyToAsync(string hash, Stream destination, CancellationToken ct = default)
    {
        using var response = await GetAsync(hash, ct);
        await DecodeAsync(hash, response.ResponseStream, destination, ct);
    }

    public async Task VerifyAsync(string hash, CancellationToken ct = default)
    {
        using var response = await GetAsync(hash, ct);
        await DecodeAsync(hash, response.ResponseStream, Stream.Null, ct);
    }

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var prefix = _options.NormalizedPrefix + "sha256/";
        string? token = null;
        do
        {
            var page = await _s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _options.Bucket,
                Prefix = prefix,
                ContinuationToken = token,
            }, ct);
            foreach (var obj in page.S3Objects ?? [])
            {
                var rest = obj.Key[prefix.Length..];
                if (rest.Length == 65 && rest[2] == '/' && ArtifactHash.IsValid(rest[..2] + rest[3..])) yield return rest[..2] + rest[3..];
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public void Dispose()
    {
        if (_ownsClient) _s3.Dispose();
    }

    private async Task<long?> HeadAsync(string hash, CancellationToken ct)
    {
        try
        {
            var meta = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = KeyOf(hash) }, ct);
            return meta.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<GetObjectResponse> GetAsync(string hash, CancellationToken ct)
    {
        var key = KeyOf(hash);
        try
        {
            return await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ArtifactNotFoundException(hash, $"s3://{_options.Bucket}/{_options.NormalizedPrefix}");
        }
    }

    private async Task DecodeAsync(string hash, Stream stored, Stream target, CancellationToken ct)
    {
        try
        {
            await _codec.DecodeAsync(stored, target, hash, ct);
        }
        catch (BlobFormatException e)
        {
            throw new ArtifactCorruptedException(hash, Location(hash), e.Message);
        }
    }
}
