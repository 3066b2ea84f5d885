using Lepton.Serving.Batching;
using Lepton.Serving.Http;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Tests.Http;

/// <summary>Which inference exceptions count as the model's errors in the prediction log (monitoring's error rate).</summary>
public class InferenceFailureTests
{
    [Fact]
    public void Server_side_failures_are_model_errors_but_bad_input_and_client_cancellation_are_not()
    {
        var http = new DefaultHttpContext();
        Assert.True(InferencePipeline.IsModelFailure(new InvalidOperationException("kernel blew up"), http));
        Assert.True(InferencePipeline.IsModelFailure(new QueueFullException("queue full", TimeSpan.FromSeconds(1)), http));
        Assert.False(InferencePipeline.IsModelFailure(new InferenceInputException("expects (N,1,4,4)"), http));

        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        http.RequestAborted = aborted.Token;
        Assert.False(InferencePipeline.IsModelFailure(new OperationCanceledException(aborted.Token), http));
    }
}
