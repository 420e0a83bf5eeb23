import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import jsxA11y from 'eslint-plugin-jsx-a11y'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      // An error's .message is the core's English words. The window shows an error through
      // errorSentences / useErrorMessage (components/), which render its message code in the window's
      // language; a French window showed "hv1 is not connected" from such a .message.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[property.name='message'][object.type='CallExpression'][object.callee.object.name='ApiError'][object.callee.property.name='from']",
          message: "Show an ApiError with useErrorMessage() or errorSentences(), not its English '.message'.",
        },
      ],
    },
  },
  // Accessibility of the window's markup (issue 21 item 6): the plugin's strict set, every rule on.
  // Rules eased or turned off, each with its reason, are listed in docs/accessibility.md.
  { ...jsxA11y.flatConfigs.strict, files: ['src/renderer/**/*.tsx'] },
  {
    files: ['src/renderer/**/*.tsx'],
    rules: {
      // TypedName's autoFocus is its own prop: the typed-name field of a modal confirmation takes the
      // first focus when showModal() opens it (WAI-ARIA dialog pattern); DOM elements keep the rule.
      'jsx-a11y/no-autofocus': ['error', { ignoreNonDOM: true }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
)
