namespace Lepton.Runtime.Ensembles;

/// <summary>
/// An ensemble model folder (<c>model.json</c> + <c>ensemble.json</c>) served as an <see cref="EnsemblePredictor"/>. Members are
/// named by registry reference and artifact hash; <paramref name="resolve"/> finds each one's verified folder (the serving host
/// passes the registry) and <paramref name="members"/> loads it (default <see cref="PredictorLoader.Default"/>: an ensemble of
/// ensembles is not a kind it knows).
/// </summary>
public sealed class EnsembleModelKind(EnsembleMemberResolver resolve, PredictorLoader? members = null) : IPredictorKind
{
    private readonly EnsembleMemberResolver _resolve = resolve ?? throw new ArgumentNullException(nameof(resolve));
    private readonly PredictorLoader _members = members ?? PredictorLoader.Default;

    public string Name => EnsemblePredictor.KindName;

    public string MarkerFile => EnsembleFile.FileName;

    public IPredictor Load(string folder, PredictorLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var description = EnsembleFile.Read(folder);
        var loaded = new List<IPredictor>();
        try
        {
            foreach (var member in description.Members)
            {
                string memberFolder = _resolve(member);
                try
                {
                    loaded.Add(_members.Load(memberFolder, options));
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    throw new InvalidDataException($"ensemble member {member.Reference}: {e.Message.Replace(memberFolder, member.Reference, StringComparison.Ordinal)}", e);
                }
            }
            try
            {
                return new EnsemblePredictor(description.Vote, loaded, [.. description.Members.Select(m => m.Reference)]);
            }
            catch (ArgumentException e)
            {
                // Stored members that no longer fit together are a bad folder, not a bad argument.
                throw new InvalidDataException(e.Message, e);
            }
        }
        catch
        {
            foreach (var p in loaded) p.Dispose();
            throw;
        }
    }
}
