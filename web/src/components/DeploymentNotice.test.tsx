import { render, screen } from '@testing-library/react';
import { DeploymentNotice } from './DeploymentNotice';
import { deployment } from '../test/fixtures';

describe('DeploymentNotice', () => {
  it('shows the deployment\'s notice as a note', () => {
    render(<DeploymentNotice deployment={deployment({ notice: 'Demo model: random weights, the words are noise.' })} />);
    expect(screen.getByRole('note')).toHaveTextContent('Demo model: random weights, the words are noise.');
  });

  it('shows nothing when there is none', () => {
    const { container } = render(<DeploymentNotice deployment={deployment({ notice: null })} />);
    expect(container).toBeEmptyDOMElement();
  });
});
