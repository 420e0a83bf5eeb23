import { useTranslation } from 'react-i18next'
import type { ConfigProblem } from '../../../../shared/config'
import { MessageText } from '../../components/MessageText'

/**
 * The cluster file's problems, each with the field it is in (the file on disk, or the form's draft),
 * its line and column when the file was read, and what is wrong in the UI's language.
 */
export function ConfigProblems({ problems }: { problems: readonly ConfigProblem[] }) {
  const { t } = useTranslation()
  return (
    <table className="table" data-testid="config-problems">
      <thead>
        <tr>
          <th>{t('config.field')}</th>
          <th>{t('config.where')}</th>
          <th>{t('config.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {problems.map((problem) => (
          <tr key={`${problem.field}:${problem.line ?? ''}:${problem.column ?? ''}:${problem.message}`}>
            <td>
              {problem.field === '(file)' ? (
                t('config.wholeFile')
              ) : (
                <code translate="no">{problem.field}</code>
              )}
            </td>
            <td className="nowrap">
              {problem.line !== undefined
                ? t('config.lineColumn', { line: problem.line, column: problem.column ?? 1 })
                : '—'}
            </td>
            <td>{problem.text ? <MessageText message={problem.text} /> : problem.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
