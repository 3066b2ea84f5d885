using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lepton.Data;
using Lepton.Data.Formats;
using Lepton.Serving.Protocol;

namespace Lepton.Bench;

/// <summary>
/// Time to parse the serving benchmark's request (bench/wrk/make_body.py: the first Fashion-MNIST test image as one OIP v2
/// FP32 input of 784 raw pixel values) with <see cref="InferenceRequestParser"/>, the JSON half of every request's CPU.
/// </summary>
public static class RequestParseSpeed
{
    /// <summary>`request-parse [iterations=200000]`; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var body = Body();
        // Warm-up past tiered compilation, so the timed loop runs optimized code.
        for (int i = 0; i < 20_000; i++) InferenceRequestParser.Parse(body, []);
        var times = new double[5];
        for (int r = 0; r < times.Length; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < iterations / times.Length; i++) InferenceRequestParser.Parse(body, []);
            times[r] = clock.Elapsed.TotalMilliseconds * 1000 / (iterations / times.Length);
        }
        Array.Sort(times);
        BenchResult.Print(new { Mode = "request-parse", BodyBytes = body.Length, Iterations = iterations, BestUsPerRequest = times[0], MedianUsPerRequest = times[2] });
        return 0;
    }

    private static byte[] Body()
    {
        var images = Idx.Read(Path.Combine(FashionMnist.FindDirectory(null, train: false), "t10k-images-idx3-ubyte.gz"));
        var text = new StringBuilder("{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < 784; i++) text.Append(i == 0 ? "" : ",").Append(images.Data[i].ToString(CultureInfo.InvariantCulture)).Append(".0");
        return Encoding.UTF8.GetBytes(text.Append("]}]}").ToString());
    }
}
