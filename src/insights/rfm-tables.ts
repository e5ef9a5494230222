/**
 * The RFM segment maps as complete, explicit lookup tables: every cell is written out (no first-match range rules),
 * so a reader can check any cell and a test can enumerate them all.
 *
 * - `RF_GRID`: the 5x5 recency x frequency map (key "RF", R first) with 10 segments. It is the map widely published
 *   with RFM tutorials (e.g. the `seg_map` of the common pandas RFM notebooks): hibernating R1-2 F1-2; at risk R1-2
 *   F3-4; can't lose them R1-2 F5; about to sleep R3 F1-2; need attention R3 F3; loyal customers R3-4 F4-5;
 *   promising R4 F1; new customers R5 F1; potential loyalists R4-5 F2-3; champions R5 F4-5. That map has no "lost"
 *   cell (its lowest corner is hibernating); lost customers are a segment of the 125-cell table.
 * - `RFM_TABLE`: the 125-cell R-F-M map (key "RFM") with 11 segments, the widely published assignment of every
 *   score combination (Champions 555, 554, 544, 545, 454, 455, 445; Lost 111, 112, 121, 131, 141, 151; ...).
 *
 * Scores are 1..5 with 5 best: most recent, most frequent, highest spend.
 */

/** Segments of the 5x5 recency x frequency grid. */
export type RfSegment =
  | "champions"
  | "loyal_customers"
  | "potential_loyalists"
  | "new_customers"
  | "promising"
  | "need_attention"
  | "about_to_sleep"
  | "at_risk"
  | "cant_lose"
  | "hibernating";

/** Segments of the 125-cell R-F-M table. */
export type RfmSegment =
  | "champions"
  | "loyal"
  | "potential_loyalist"
  | "recent"
  | "promising"
  | "needing_attention"
  | "about_to_sleep"
  | "at_risk"
  | "cant_lose"
  | "hibernating"
  | "lost";

/** Display name, description and suggested action of a segment. */
export interface SegmentInfo {
  name: string;
  description: string;
  action: string;
}

export const RF_SEGMENTS: Readonly<Record<RfSegment, SegmentInfo>> = {
  champions: {
    name: "Champions",
    description: "bought recently and often",
    action: "Reward them; ask for reviews and referrals; early access to new products.",
  },
  loyal_customers: {
    name: "Loyal Customers",
    description: "buy often, fairly recently",
    action: "Upsell higher-value products; loyalty programme; ask for reviews.",
  },
  potential_loyalists: {
    name: "Potential Loyalists",
    description: "recent, a few orders",
    action: "Membership or loyalty offer; recommend related products.",
  },
  new_customers: {
    name: "New Customers",
    description: "first order very recently",
    action: "Onboarding; make the second purchase easy; build the relationship.",
  },
  promising: {
    name: "Promising",
    description: "recent, one order",
    action: "Create brand awareness; free trials or a small incentive to return.",
  },
  need_attention: {
    name: "Need Attention",
    description: "average recency and frequency",
    action: "Limited-time offers based on past purchases; reactivate before they slip.",
  },
  about_to_sleep: {
    name: "About To Sleep",
    description: "below-average recency, few orders",
    action: "Share popular products and discounts; reconnect.",
  },
  at_risk: {
    name: "At Risk",
    description: "ordered often, but long ago",
    action: "Personalised win-back emails; renewals; helpful resources.",
  },
  cant_lose: {
    name: "Can't Lose Them",
    description: "were among the most frequent, long gone",
    action: "Win them back with new products or a strong offer; talk to them; do not lose them to a competitor.",
  },
  hibernating: {
    name: "Hibernating",
    description: "last order long ago, few orders",
    action: "Offer other relevant products and special discounts; recreate brand value.",
  },
};

export const RFM_SEGMENTS: Readonly<Record<RfmSegment, SegmentInfo>> = {
  champions: {
    name: "Champions",
    description: "bought recently, buy often and spend the most",
    action: "Reward them; early adopters of new products; they promote the brand.",
  },
  loyal: {
    name: "Loyal Customers",
    description: "spend good money, responsive to promotions",
    action: "Upsell higher-value products; ask for reviews; engage them.",
  },
  potential_loyalist: {
    name: "Potential Loyalist",
    description: "recent customers with average frequency and spend",
    action: "Membership or loyalty programme; recommend other products.",
  },
  recent: {
    name: "Recent Customers",
    description: "bought most recently, but not often",
    action: "Onboarding support; early success; start building the relationship.",
  },
  promising: {
    name: "Promising",
    description: "recent shoppers who have not spent much",
    action: "Create brand awareness; free trials.",
  },
  needing_attention: {
    name: "Customers Needing Attention",
    description: "above-average recency, frequency and spend, but not recent enough",
    action: "Limited-time offers; recommend based on past purchases; reactivate them.",
  },
  about_to_sleep: {
    name: "About To Sleep",
    description: "below-average recency, frequency and spend",
    action: "Share valuable resources; recommend popular products and renewals at a discount; reconnect.",
  },
  at_risk: {
    name: "At Risk",
    description: "spent big and often, but long ago",
    action: "Personalised emails to reconnect; renewals; helpful resources.",
  },
  cant_lose: {
    name: "Can't Lose Them",
    description: "made the biggest and most frequent purchases, but have not returned for a long time",
    action: "Win them back via renewals or newer products; do not lose them to the competition; talk to them.",
  },
  hibernating: {
    name: "Hibernating",
    description: "last purchase long ago, low spend and few orders",
    action: "Offer other relevant products and special discounts; recreate brand value.",
  },
  lost: {
    name: "Lost",
    description: "lowest recency, frequency and monetary scores",
    action: "Revive interest with an outreach campaign; otherwise ignore.",
  },
};

/**
 * The 5x5 recency x frequency map: key "RF" (recency score, then frequency score), rows R = 5 .. 1, columns F = 1 .. 5.
 */
// biome-ignore format: one grid row per line
export const RF_GRID: Readonly<Record<string, RfSegment>> = {
  "51": "new_customers", "52": "potential_loyalists", "53": "potential_loyalists", "54": "champions", "55": "champions",
  "41": "promising", "42": "potential_loyalists", "43": "potential_loyalists", "44": "loyal_customers", "45": "loyal_customers",
  "31": "about_to_sleep", "32": "about_to_sleep", "33": "need_attention", "34": "loyal_customers", "35": "loyal_customers",
  "21": "hibernating", "22": "hibernating", "23": "at_risk", "24": "at_risk", "25": "cant_lose",
  "11": "hibernating", "12": "hibernating", "13": "at_risk", "14": "at_risk", "15": "cant_lose",
};

/**
 * The 125-cell R-F-M map: key "RFM" (recency, frequency, monetary scores); one line per (R, F), M = 5 .. 1.
 */
// biome-ignore format: one (R, F) per line
export const RFM_TABLE: Readonly<Record<string, RfmSegment>> = {
  "555": "champions", "554": "champions", "553": "potential_loyalist", "552": "potential_loyalist", "551": "potential_loyalist",
  "545": "champions", "544": "champions", "543": "loyal", "542": "potential_loyalist", "541": "potential_loyalist",
  "535": "needing_attention", "534": "needing_attention", "533": "potential_loyalist", "532": "potential_loyalist", "531": "potential_loyalist",
  "525": "promising", "524": "promising", "523": "promising", "522": "promising", "521": "promising",
  "515": "promising", "514": "promising", "513": "promising", "512": "recent", "511": "recent",
  "455": "champions", "454": "champions", "453": "potential_loyalist", "452": "potential_loyalist", "451": "potential_loyalist",
  "445": "champions", "444": "loyal", "443": "needing_attention", "442": "potential_loyalist", "441": "potential_loyalist",
  "435": "loyal", "434": "needing_attention", "433": "potential_loyalist", "432": "potential_loyalist", "431": "potential_loyalist",
  "425": "promising", "424": "promising", "423": "potential_loyalist", "422": "recent", "421": "recent",
  "415": "promising", "414": "promising", "413": "promising", "412": "recent", "411": "recent",
  "355": "loyal", "354": "loyal", "353": "potential_loyalist", "352": "potential_loyalist", "351": "potential_loyalist",
  "345": "loyal", "344": "loyal", "343": "needing_attention", "342": "potential_loyalist", "341": "potential_loyalist",
  "335": "loyal", "334": "needing_attention", "333": "potential_loyalist", "332": "hibernating", "331": "about_to_sleep",
  "325": "needing_attention", "324": "needing_attention", "323": "potential_loyalist", "322": "hibernating", "321": "about_to_sleep",
  "315": "promising", "314": "promising", "313": "promising", "312": "about_to_sleep", "311": "recent",
  "255": "at_risk", "254": "at_risk", "253": "at_risk", "252": "at_risk", "251": "about_to_sleep",
  "245": "at_risk", "244": "at_risk", "243": "at_risk", "242": "at_risk", "241": "about_to_sleep",
  "235": "at_risk", "234": "at_risk", "233": "hibernating", "232": "hibernating", "231": "about_to_sleep",
  "225": "at_risk", "224": "at_risk", "223": "hibernating", "222": "hibernating", "221": "about_to_sleep",
  "215": "cant_lose", "214": "cant_lose", "213": "about_to_sleep", "212": "hibernating", "211": "hibernating",
  "155": "cant_lose", "154": "cant_lose", "153": "at_risk", "152": "at_risk", "151": "lost",
  "145": "at_risk", "144": "cant_lose", "143": "at_risk", "142": "at_risk", "141": "lost",
  "135": "at_risk", "134": "at_risk", "133": "at_risk", "132": "hibernating", "131": "lost",
  "125": "at_risk", "124": "at_risk", "123": "hibernating", "122": "hibernating", "121": "lost",
  "115": "cant_lose", "114": "cant_lose", "113": "cant_lose", "112": "lost", "111": "lost",
};
