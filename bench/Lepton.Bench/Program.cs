using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Lepton.Bench;

// `gemm [sizes...]`: quick GFLOP/s table; `shapes`: the CNN training shapes; `cnn-step [preset] [batch] [steps]`:
// per-layer training-step times, images/s and allocation per step; `ops [reps]`: single conv/pool ops; `train [preset]
// [batches] [warmup] [batch]`, `infer-latency [forwards] [warmup]`, `infer-throughput [batches] [warmup] [batch]`: the Lepton
// half of bench/compare.sh on Fashion-MNIST (one `RESULT {json}` line each); `infer-layers [preset] [batch] [reps]`: per-layer
// inference times; `infer-graph [preset] [batch] [reps]`: the same per node of a graph preset (resnet, mobilenet), and the
// served forward against it without batch-norm folds and without the one-sample split; `onnx-infer [rounds] [forwards]
// [batches] [threads] [ort-spin] [preset]`: Lepton against ONNX Runtime on the exported preset (default the CNN); `log-write [batches]`: CPU per prediction-log row written to SQLite; `monitor-groups [rows] [rounds]`: what
// lepton monitor --groups adds to a report; `calibrated-predict [batch] [rounds]`: what calibration.json adds to a served batch;
// `conformal-answers [batch] [rounds]`: what intervals.json adds to answering a served batch; `request-parse [iterations]`: time to
// parse the serving benchmark's 784-float request; `tables DIR [reps]`: the Lepton half of bench/tables/run.sh;
// `text-train [lstm|transformer] [steps] [warmup] [batch] [seq]`: tokens/s of a small text classifier's training step (the
// Lepton half of bench/text/train-speed.sh); `text-ops [reps]`: where its time goes; `import-profile DIR [files] [size]`: CPU
// per image of each import step; `audio-features [clips] [seconds]`: log-mel/MFCC clips/s; `allreduce [reps]` (under
// mpirun): all-reduce times by message size; `quantize [dir] [epochs] [passes] [batches]`: int8 against float32 on the
// reference CNN (bench/quantize/run.sh); `replica-load URL BODY CONNECTIONS SECONDS OUT.csv`: the load client of
// bench/replicas.sh; `text-split HOME NAME@V OUT`: a text version's train/test texts for bench/text/spam-compare.sh; anything
// else goes to BenchmarkDotNet
// (e.g. `--filter '*Gemm*'`).
return args.FirstOrDefault() switch
{
    "gemm" => GemmQuick.Run(args[1..]),
    "shapes" => GemmShapes.Run(),
    "cnn-step" => CnnStep.Run(args[1..]),
    "ops" => OpTimes.Run(args[1..]),
    "vision-ops" => VisionKernelTimes.Run(args[1..]),
    "preset-step" => PresetStep.Run(args[1..]),
    "train" => TrainSpeed.Run(args[1..]),
    "image-epoch" => ImageEpoch.Run(args[1..]),
    "image-stream" => ImageStream.Run(args[1..]),
    "import-profile" => ImportProfile.Run(args[1..]),
    "infer-latency" => InferSpeed.Latency(args[1..]),
    "infer-throughput" => InferSpeed.Throughput(args[1..]),
    "infer-layers" => InferLayers.Run(args[1..]),
    "infer-graph" => InferGraphNodes.Run(args[1..]),
    "conv-forward" => ConvForwardTimes.Run(args[1..]),
    "onnx-infer" => OnnxInferSpeed.Run(args[1..]),
    "log-write" => PredictionLogSpeed.Run(args[1..]),
    "monitor-groups" => MonitorGroupsSpeed.Run(args[1..]),
    "calibrated-predict" => CalibratedPredictSpeed.Run(args[1..]),
    "conformal-answers" => ConformalAnswerSpeed.Run(args[1..]),
    "request-parse" => RequestParseSpeed.Run(args[1..]),
    "tables" => TablesBench.Run(args[1..]),
    "text-train" => TextTrain.Run(args[1..]),
    "text-ops" => TextOps.Run(args[1..]),
    "audio-features" => AudioFeatureSpeed.Run(args[1..]),
    "allreduce" => AllReduceTimes.Run(args[1..]),
    "quantize" => QuantizeSpeed.Run(args[1..]),
    "quantize-layers" => QuantizeSpeed.Layers(args[1..]),
    "replica-load" => ReplicaLoad.Run(args[1..]),
    "text-split" => TextSplitExport.Run(args[1..]),
    "explain-latency" => ExplainSpeed.Run(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    // In-process (no generated project to restore: the machine is offline); the reports land in
    // bench/results (git-ignored) when run from the repository root.
    if (!args.Contains("--inProcess") && !args.Contains("-i")) args = [.. args, "--inProcess"];
    var config = DefaultConfig.Instance
        .WithArtifactsPath(Directory.Exists("bench") ? Path.Combine("bench", "results") : "BenchmarkDotNet.Artifacts");
    BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args, config);
    return 0;
}
