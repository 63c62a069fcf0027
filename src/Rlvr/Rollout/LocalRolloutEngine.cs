using Rlvr.Model;
using Rlvr.Tokenization;

namespace Rlvr.Rollout;

/// <summary>Samples with the policy itself, in this process: its weights are always current.</summary>
public sealed class LocalRolloutEngine(CausalLM policy) : IRolloutEngine
{
    public bool IsRemote => false;

    public Generation Generate(IReadOnlyList<int[]> prompts, int n, SamplingOptions sampling, IReadOnlyCollection<int> stopIds, int padId, ulong seed)
    {
        var rows = prompts.SelectMany(p => Enumerable.Repeat(p, n)).ToList();
        bool wasTraining = policy.training;
        policy.eval();
        try
        {
            return Sampler.Generate(policy, rows, sampling, stopIds, padId, seed);
        }
        finally
        {
            if (wasTraining) policy.train();
        }
    }

    public void SyncWeights(CausalLM policy, ITokenizer tokenizer, int step) { }

    public void Dispose() { }
}
