/** The category-selection questionnaire merchants answer when they confirm their primary category. */
export interface QuestionnaireQuestion {
  key: string;
  prompt: string;
  required: boolean;
}

export const categoryQuestionnaire: readonly QuestionnaireQuestion[] = [
  { key: 'main_products', prompt: 'Which products make up most of your sales?', required: true },
  {
    key: 'category_share',
    prompt: 'Roughly what share of your sales falls in the category you selected (in %)?',
    required: true,
  },
  { key: 'other_categories', prompt: 'Which other categories do you currently sell in, if any?', required: false },
  {
    key: 'policy_acknowledged',
    prompt: 'Do you confirm that from the enforcement date you will list only in your primary category? (yes/no)',
    required: true,
  },
];
