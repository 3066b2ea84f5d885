using System.Diagnostics;
using Lepton.Engine;
using Lepton.Engine.Threading;
using Lepton.NN.Presets;
using Lepton.Runtime;
using Lepton.Runtime.Explanations;

namespace Lepton.Bench;

/// <summary>
/// What an explanation costs next to the prediction it explains, on the reference CNN (the <c>cnn</c> preset, weights as
/// initialized: the cost does not depend on their values) and Fashion-MNIST test images: per image, alternating, one
/// prepared single-image forward (the reference, as serving runs it) and Grad-CAM, saliency, occlusion and the whole
/// explanation. Medians over the images.
/// </summary>
public static class ExplainSpeed
{
    /// <summary>`explain-latency [images=30]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int images = args.Length > 0 ? int.Parse(args[0]) : 30;
        var data = FashionSlice.Load(train: false, images);
        var served = ModelPresets.Build("cnn", rng: new Generator(0)).PrepareForInference();
        var network = ModelPresets.Build("cnn", rng: new Generator(0));
        network.Eval();
        string[] classes = [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        var predict = new double[images];
        var gradCam = new double[images];
        var saliency = new double[images];
        var occlusion = new double[images];
        var whole = new double[images];
        // One warm-up of each path compiles and packs.
        var x0 = data.Batch(0, 1).X;
        Inference.Forward(served, x0, batchSize: 1);
        ImageExplainer.Explain(network, x0, classes);
        for (int i = 0; i < images; i++)
        {
            var x = data.Batch(i, 1).X;
            predict[i] = Time(() => Inference.Forward(served, x, batchSize: 1));
            gradCam[i] = Time(() => GradCam.Compute(network, x, 0));
            saliency[i] = Time(() => Saliency.Compute(network, x, 0));
            occlusion[i] = Time(() => Occlusion.Compute(network, x, 0));
            whole[i] = Time(() => ImageExplainer.Explain(network, x, classes));
        }
        double Median(double[] t)
        {
            Array.Sort(t);
            return BenchResult.Quantile(t, 0.5);
        }
        double p = Median(predict);
        BenchResult.Print(new
        {
            Mode = "explain-latency",
            Threads = CpuParallel.ThreadCount,
            Images = images,
            PredictMs = p,
            GradCamMs = Median(gradCam),
            SaliencyMs = Median(saliency),
            OcclusionMs = Median(occlusion),
            ExplainMs = Median(whole),
            ExplainOverPredict = Median(whole) / p,
        });
        return 0;
    }

    private static double Time(Action action)
    {
        long t0 = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
