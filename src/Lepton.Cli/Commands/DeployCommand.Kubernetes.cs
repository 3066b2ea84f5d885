using System.CommandLine;
using Lepton.Factory.Deployment;
using Lepton.Factory.Deployment.Kubernetes;

namespace Lepton.Cli.Commands;

public static partial class DeployCommand
{
    private static Command Kubernetes()
    {
        var model = new Argument<string>("model") { Description = "The registry model the pods serve: name@alias, name@3 or name." };
        var replicas = new Option<int>("--replicas") { Description = "Pods (and the autoscaler's minimum).", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("--out") { Description = "Folder for the manifests, kustomization.yaml and the Dockerfile.", DefaultValueFactory = _ => "k8s" };
        var name = new Option<string?>("--name") { Description = "The objects' name (default: lepton- and the model's name)." };
        var ns = new Option<string?>("--namespace") { Description = "The namespace kustomize puts every object in." };
        var image = new Option<string>("--image") { Description = "The server image, built from the generated Dockerfile.", DefaultValueFactory = _ => "lepton:latest" };
        var port = new Option<int>("--port") { Description = "The port the server and the Service listen on.", DefaultValueFactory = _ => 8080 };
        var cpu = new Option<string>("--cpu") { Description = "CPU request per pod (e.g. 500m, 2); the server uses that many compute threads.", DefaultValueFactory = _ => "1" };
        var memory = new Option<string>("--memory") { Description = "Memory request per pod.", DefaultValueFactory = _ => "1Gi" };
        var memoryLimit = new Option<string>("--memory-limit") { Description = "Memory limit per pod.", DefaultValueFactory = _ => "2Gi" };
        var secret = new Option<string>("--secret") { Description = "The Secret with LEPTON_STORE (the shared registry and its API keys) and the artifact store's settings.", DefaultValueFactory = _ => "lepton-secrets" };
        var autoscale = new Option<string>("--autoscale") { Description = "What the autoscaler follows: cpu, requests (per pod per second; needs prometheus-adapter) or none.", DefaultValueFactory = _ => "cpu" };
        var maxReplicas = new Option<int?>("--max-replicas") { Description = "Most pods the autoscaler runs (default: twice --replicas)." };
        var targetCpu = new Option<int>("--target-cpu") { Description = "CPU use the autoscaler keeps, in percent of the request.", DefaultValueFactory = _ => 70 };
        var targetRps = new Option<double>("--target-rps") { Description = "Prediction requests per second per pod the autoscaler keeps (--autoscale requests).", DefaultValueFactory = _ => 50 };
        var alert = new Option<string[]>("--alert") { Description = "An alert rule the servers check (repeatable; added to monitoring: rules: of ./lepton.yaml)." };
        var json = CommonOptions.Json();
        var cmd = new Command("k8s", "Write Kubernetes manifests that serve a registry model: Deployment, Service, HorizontalPodAutoscaler, a ConfigMap " +
                                     "with the pods' lepton.yaml, kustomization.yaml, and a Dockerfile for the server image.\n\nExample:\n" +
                                     "  lepton deploy k8s fashion@production --replicas 3 --image registry.example.com/lepton:1.0 --out k8s\n" +
                                     "  kubectl create secret generic lepton-secrets --from-literal=LEPTON_STORE=postgres://...\n" +
                                     "  kubectl apply -k k8s");
        cmd.Arguments.Add(model);
        foreach (var o in new Option[] { replicas, output, name, ns, image, port, cpu, memory, memoryLimit, secret, autoscale, maxReplicas, targetCpu, targetRps, alert, json })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(_ =>
        {
            string scaling = p.GetValue(autoscale)!;
            var options = new KubernetesOptions
            {
                Model = p.GetValue(model)!,
                Replicas = p.GetValue(replicas),
                Name = p.GetValue(name),
                Namespace = p.GetValue(ns),
                Image = p.GetValue(image)!,
                Port = p.GetValue(port),
                CpuRequest = p.GetValue(cpu)!,
                MemoryRequest = p.GetValue(memory)!,
                MemoryLimit = p.GetValue(memoryLimit)!,
                SecretName = p.GetValue(secret)!,
                Autoscale = scaling switch
                {
                    "cpu" => KubernetesAutoscale.Cpu,
                    "requests" => KubernetesAutoscale.Requests,
                    "none" => KubernetesAutoscale.None,
                    _ => throw new ArgumentException($"--autoscale '{scaling}' is not offered; use cpu, requests or none."),
                },
                MaxReplicas = p.GetValue(maxReplicas),
                TargetCpuPercent = p.GetValue(targetCpu),
                TargetRequestsPerSecond = p.GetValue(targetRps),
                Rules = ServeCommand.Monitoring(p.GetValue(alert) ?? [], null).Rules,
            };
            var written = DeploymentWriter.Write(p.GetValue(output)!, KubernetesManifests.Files(options));
            string folder = Path.GetDirectoryName(written[0])!;
            Report(written, p.GetValue(json), $"kubectl kustomize {folder}   (then: kubectl apply -k {folder})");
            return 0;
        }));
        return cmd;
    }
}
