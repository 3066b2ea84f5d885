using System.CommandLine;
using Lepton.Cli.Demo;
using Lepton.Monitoring;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton demo</c>: the whole factory end to end on Fashion-MNIST, a folder of images or texts (see <see cref="FactoryDemo"/>).</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs for the champion (default: 1 on Fashion-MNIST, 10 on --images, 12 on --text)." };
        var images = new Option<string?>("--images")
        {
            Description = "Run the demo on a folder of your own images (one subfolder per class, the Keras train/validation/test layout, or a CSV/JSONL manifest) instead of Fashion-MNIST.",
        };
        var text = new Option<bool>("--text")
        {
            Description = "Run the demo on text: customer-service messages it writes itself, a text-bow model, texts after a product launch as the drift.",
        };
        var size = new Option<string?>("--size") { Description = "With --images: the stored image size WxH (default: chosen from the data, as lepton data import does)." };
        var challengerEpochs = new Option<int>("--challenger-epochs") { Description = "Fine-tuning epochs for the challenger.", DefaultValueFactory = _ => 3 };
        var dataDir = CommonOptions.DataDir();
        var home = new Option<string?>("--home") { Description = "The demo's own store and models (default: $LEPTON_HOME/demo); recreated on each run." };
        var port = new Option<int>("--port") { Description = "Port for the demo server (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var serve = new Option<bool>("--serve") { Description = "Keep the server and dashboard running at the end, until Ctrl+C." };
        var requests = new Option<int>("--requests") { Description = "Drifted requests the simulated client sends (normal traffic is half as many).", DefaultValueFactory = _ => 1600 };
        var canary = new Option<string>("--canary-window") { Description = "How long the challenger's canary is watched, e.g. 20s.", DefaultValueFactory = _ => "20s" };
        var threads = CommonOptions.Threads();
        var cmd = new Command("demo", "The whole factory on Fashion-MNIST, your own images or text: train and serve a champion, send drifting traffic with " +
                                      "feedback, watch monitoring catch it, retrain a challenger, canary and promote it.\n\nExamples:\n  lepton demo --serve\n" +
                                      "  lepton demo --images ./defects --size 64x64 --epochs 8\n  lepton demo --text");
        foreach (var o in new Option[] { epochs, images, text, size, challengerEpochs, dataDir, home, port, serve, requests, canary, threads }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            int drifted = p.GetValue(requests);
            var options = new DemoOptions(
                Home: Path.GetFullPath(p.GetValue(home) ?? Path.Combine(CommonOptions.Home, "demo")),
                Epochs: p.GetValue(epochs), DataDir: p.GetValue(dataDir), Port: p.GetValue(port), KeepServing: p.GetValue(serve),
                NormalRequests: drifted / 2, DriftedRequests: drifted, ChallengerEpochs: p.GetValue(challengerEpochs),
                CanaryWindow: MonitorWindow.ParseDuration(p.GetValue(canary)!), Images: p.GetValue(images), ImageSize: p.GetValue(size), Text: p.GetValue(text));
            await new FactoryDemo(options).RunAsync(ct);
            return 0;
        }));
        return cmd;
    }
}
