namespace Lepton.Registry.Artifacts;

/// <summary>Where a <see cref="FileArtifactStore"/> lives and the key that encrypts it (null: plaintext).</summary>
public sealed record FileArtifactStoreOptions(string Root, EncryptionKey? EncryptionKey = null)
{
    /// <summary><c>LEPTON_HOME/artifacts</c> with the key from <c>LEPTON_ENCRYPTION_KEY</c> / <c>LEPTON_ENCRYPTION_KEY_FILE</c>.</summary>
    public static FileArtifactStoreOptions FromEnvironment() => new(LeptonHome.Artifacts, EncryptionKey.FromEnvironment());
}
