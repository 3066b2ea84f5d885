namespace Lepton.Registry.Artifacts;

/// <summary>How a blob's plaintext is laid out in storage (as is, or encrypted); shared by the file and S3 stores.</summary>
internal interface IBlobCodec
{
    /// <summary>Copies <paramref name="source"/> into <paramref name="stored"/> in storage form and returns the plaintext SHA-256.</summary>
    Task<string> EncodeAsync(Stream source, Stream stored, CancellationToken ct);

    /// <summary>
    /// Writes the plaintext of <paramref name="stored"/> to <paramref name="target"/> and checks it against
    /// <paramref name="expectedHash"/>; throws <see cref="BlobFormatException"/> naming the problem. Bytes already
    /// written to the target when it throws must be discarded by the caller.
    /// </summary>
    Task DecodeAsync(Stream stored, Stream target, string expectedHash, CancellationToken ct);

    /// <summary>The plaintext length implied by a stored length, when the format allows knowing it up front.</summary>
    long? PlaintextLength(long storedLength);
}

/// <summary>A stored blob that does not decode to its address; the store wraps it into <see cref="ArtifactCorruptedException"/>.</summary>
internal sealed class BlobFormatException(string problem) : Exception(problem);
