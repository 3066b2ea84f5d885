namespace Lepton.Cli.Demo;

/// <summary>
/// Customer-service messages for the text demo, made from a seed: each class (billing, delivery, account, technical) has
/// topic words, a message is generic filler with two or three of them. The drifted stream comes after a product launch in a
/// new market: topic words the champion never saw, a third of the messages with Chinese ones, so both the token-frequency
/// mix and the script mix move.
/// </summary>
internal static class SupportMessages
{
    public static IReadOnlyList<string> Classes { get; } = ["account", "billing", "delivery", "technical"];

    private static readonly string[][] Known =
    [
        ["password", "login", "username", "email", "profile", "locked", "signup", "verify", "reset", "logout"],
        ["invoice", "refund", "charged", "payment", "overcharged", "receipt", "price", "bill", "card", "discount"],
        ["parcel", "shipping", "courier", "tracking", "delivered", "package", "arrive", "late", "address", "box"],
        ["crash", "error", "bug", "install", "update", "freezes", "screen", "app", "slow", "battery"],
    ];

    private static readonly string[][] Launch =
    [
        ["passkey", "biometric", "fingerprint", "authenticator", "sso", "deactivate", "nickname", "avatar"],
        ["voucher", "installment", "wallet", "cashback", "subscription", "renewal", "coupon", "tax"],
        ["locker", "pickup", "dispatch", "warehouse", "customs", "depot", "drone", "postcode"],
        ["firmware", "bluetooth", "pairing", "reboot", "widget", "sync", "overheating", "speaker"],
    ];

    private static readonly string[][] LaunchChinese =
    [
        ["账号", "密码", "登录", "验证码"],
        ["退款", "发票", "扣款", "优惠券"],
        ["快递", "物流", "包裹", "配送"],
        ["闪退", "死机", "蓝牙", "固件"],
    ];

    private static readonly string[] Filler =
    [
        "hello", "hi", "please", "help", "my", "the", "is", "it", "not", "working", "again", "since", "yesterday", "i", "need",
        "can", "you", "check", "thanks", "still", "today", "with", "a", "problem", "urgent", "why", "does", "this", "keep", "happening",
    ];

    /// <summary><paramref name="perClass"/> messages of each class with the topic words the champion trains on.</summary>
    public static IReadOnlyList<(string Text, int Label)> Normal(int perClass, int seed) => Make(perClass, seed, launch: false);

    /// <summary><paramref name="perClass"/> messages of each class after the launch: new topic words, a third with Chinese ones.</summary>
    public static IReadOnlyList<(string Text, int Label)> Drifted(int perClass, int seed) => Make(perClass, seed, launch: true);

    private static List<(string, int)> Make(int perClass, int seed, bool launch)
    {
        var rng = new Random(seed);
        var messages = new List<(string, int)>(perClass * Classes.Count);
        for (int c = 0; c < Classes.Count; c++)
            for (int i = 0; i < perClass; i++)
            {
                var topic = !launch ? Known[c] : rng.Next(3) == 0 ? LaunchChinese[c] : Launch[c];
                var words = Enumerable.Range(0, rng.Next(4, 10)).Select(_ => Filler[rng.Next(Filler.Length)]).ToList();
                for (int k = 0, n = rng.Next(2, 4); k < n; k++) words.Insert(rng.Next(words.Count + 1), topic[rng.Next(topic.Length)]);
                messages.Add((string.Join(' ', words), c));
            }
        return messages;
    }
}
