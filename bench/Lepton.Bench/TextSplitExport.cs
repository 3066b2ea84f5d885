using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Text;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Training.Workflows.Text;

namespace Lepton.Bench;

/// <summary>
/// `text-split HOME NAME@V OUT [seed]`: writes the train and test texts that `lepton train` uses for a text data set version
/// (the same split, the same decoded and normalized texts) as fastText files (`__label__X text`) and TSV (label, text), so
/// the reference learners of bench/text/spam-compare.sh see exactly what Lepton sees.
/// </summary>
public static class TextSplitExport
{
    public static int Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: text-split HOME NAME@V OUT [seed]");
            return 2;
        }
        return RunAsync(args[0], args[1], args[2], args.Length > 3 ? int.Parse(args[3]) : 1).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string home, string reference, string outDir, int seed)
    {
        await using var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(home, "registry.db"));
        var artifacts = new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(home, "artifacts")));
        var corpus = await TextDatasets.LoadAsync(store, artifacts, DatasetReference.Parse(reference));
        var (train, test) = TextTrainingSplits.Split(corpus, seed);
        Directory.CreateDirectory(outDir);
        foreach (var (name, items) in new[] { ("train", train), ("test", test) })
        {
            // One line per text: tabs and line breaks become spaces, which both references ignore anyway.
            using var fasttext = new StreamWriter(Path.Combine(outDir, name + ".ft"));
            using var tsv = new StreamWriter(Path.Combine(outDir, name + ".tsv"));
            foreach (var (item, text) in items)
            {
                string flat = string.Join(' ', text.Split((char[])['\t', '\r', '\n', ' '], StringSplitOptions.RemoveEmptyEntries));
                string label = item.Labels[0];
                fasttext.WriteLine($"__label__{label} {flat}");
                tsv.WriteLine($"{label}\t{flat}");
            }
        }
        Console.WriteLine($"{{\"train\":{train.Count},\"test\":{test.Count}}}");
        return 0;
    }
}
