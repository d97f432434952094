import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Dependencies point down (README, Layout): the transports are given platform facts (CliPlatform), they never
    // reach up for them.
    files: ['src/transport/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/device/**', '**/workflow/**', '**/fleet/**', '**/cli/**', '**/report/**', '**/lab/**', '**/audit/**'],
              message: 'src/transport stands below these layers: pass what it needs in (as IosXeSessionOptions.platform does) instead of importing it.',
            },
          ],
        },
      ],
    },
  },
);
