namespace Lepton.Registry.Artifacts;

/// <summary>
/// Where an <see cref="S3ArtifactStore"/> keeps blobs: a bucket, a key prefix and, for S3-compatible servers
/// (MinIO, Ceph, ...), an endpoint URL. Credentials come from the AWS SDK's usual sources (AWS_ACCESS_KEY_ID, ...).
/// </summary>
public sealed record S3ArtifactStoreOptions(
    string Bucket,
    string Prefix = "",
    string? Endpoint = null,
    string? Region = null,
    EncryptionKey? EncryptionKey = null)
{
    public const string BucketVariable = "LEPTON_S3_BUCKET";
    public const string PrefixVariable = "LEPTON_S3_PREFIX";
    public const string EndpointVariable = "LEPTON_S3_ENDPOINT";

    /// <summary>The key prefix normalized to end in '/' (or empty).</summary>
    public string NormalizedPrefix => Prefix.Trim('/') is { Length: > 0 } p ? p + "/" : "";

    /// <summary>From <c>LEPTON_S3_BUCKET</c>, <c>LEPTON_S3_PREFIX</c>, <c>LEPTON_S3_ENDPOINT</c>, <c>AWS_REGION</c> and the encryption key variables.</summary>
    public static S3ArtifactStoreOptions FromEnvironment()
    {
        var bucket = Environment.GetEnvironmentVariable(BucketVariable);
        if (string.IsNullOrWhiteSpace(bucket))
            throw new InvalidOperationException($"{BucketVariable} is not set; name the bucket that holds Lepton's artifacts.");
        return new S3ArtifactStoreOptions(
            bucket,
            Environment.GetEnvironmentVariable(PrefixVariable) ?? "",
            Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } e ? e : null,
            Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } r ? r : null,
            EncryptionKey.FromEnvironment());
    }
}
